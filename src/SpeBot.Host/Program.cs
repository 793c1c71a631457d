using SpeBot.Core;
using SpeBot.Host.Dashboard;
using SpeBot.Host.Health;
using SpeBot.Host.Jobs;
using SpeBot.Host.Playground;
using SpeBot.Host.Slack;
using SpeBot.Host.Teams;

var builder = WebApplication.CreateBuilder(args);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));

builder.Services.AddSpeBotCore();
builder.Services.AddJobs();
builder.Services.AddSpeBotHealth();
builder.Services.AddDashboard();
builder.AddPlayground();
builder.AddSlack();
builder.AddTeams();

var app = builder.Build();
app.MapHealth();
app.MapSlack();
app.MapTeams();
app.MapDashboard();
app.MapPlayground();
app.Run();

/// <summary>Entry point; public so WebApplicationFactory can host it in tests.</summary>
public partial class Program;
