using SpeBot.Core;
using SpeBot.Host.Discovery;
using SpeBot.Host.GitHub;
using SpeBot.Host.Admin;
using SpeBot.Host.Configuration;
using SpeBot.Host.Dashboard;
using SpeBot.Host.Health;
using SpeBot.Host.Jobs;
using SpeBot.Host.Playground;
using SpeBot.Host.Slack;
using SpeBot.Host.Teams;
using SpeBot.Host.Telemetry;

// "dotnet SpeBot.Host.dll migrate" and the other admin commands use the same configuration and services, without serving.
var (adminCommand, hostArgs) = AdminCommandLine.Split(args);
// Configuration files are read once: a reloading file source watches the whole content root, subfolders included, and
// the default database (data/spebot.db) is inside it, so every WAL and checkpoint write became a file event for the
// process to handle (in process, 256 proposers: 30–33k proposals/s with the database there, 34–39k outside it). Options
// are validated at start-up and a changed setting takes a restart either way.
var builder = WebApplication.CreateBuilder([.. hostArgs, "--hostBuilder:reloadConfigOnChange=false"]);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));

builder.AddTelemetry();
builder.Services.AddSpeBotCore();
builder.Services.AddJobs();
builder.Services.AddSpeBotHealth();
builder.Services.AddDashboard();
builder.AddPlayground();
builder.AddSlack();
builder.AddTeams();
builder.AddDiscovery();

var app = builder.Build();
if (adminCommand is not null) return await AdminCommandLine.RunAsync(app, adminCommand, Console.Out, Console.Error);
if (!StartupCheck.Passes(app, Console.Error)) return 1;
app.MapTelemetry();
app.MapHealth();
app.MapSlack();
app.MapTeams();
app.MapGitHub();
app.MapDashboard();
app.MapPlayground();
app.Run();
return 0;

/// <summary>Entry point; public so WebApplicationFactory can host it in tests.</summary>
public partial class Program;
