using System.CommandLine;
using MigrateHub.Appliance;

// The appliance simulator: registers an appliance, uploads an estate (RVTools export, import CSV or
// generated) with a month of performance drawn from real traces, software inventory and
// dependencies, then keeps sending heartbeats and periodic updates. See docs/discovery.md.
if (Console.IsOutputRedirected)
{
    // A log rather than a terminal: wide enough for the summary tables.
    Spectre.Console.AnsiConsole.Profile.Width = 160;
}

var root = SimulatorCommand.Create();
return await root.Parse(args).InvokeAsync();
