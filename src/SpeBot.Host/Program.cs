using SpeBot.Core;
using SpeBot.Host.Discovery;
using SpeBot.Host.GitHub;
using SpeBot.Host.Health;
using SpeBot.Host.Jobs;
using SpeBot.Host.Slack;
using SpeBot.Host.Teams;

var builder = WebApplication.CreateBuilder(args);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));

builder.Services.AddSpeBotCore();
builder.Services.AddJobs();
builder.Services.AddSpeBotHealth();
builder.AddSlack();
builder.AddTeams();
builder.AddDiscovery();

var app = builder.Build();
app.MapHealth();
app.MapSlack();
app.MapTeams();
app.MapGitHub();
app.Run();

/// <summary>Entry point; public so WebApplicationFactory can host it in tests.</summary>
public partial class Program;
