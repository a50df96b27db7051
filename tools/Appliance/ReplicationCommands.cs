using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MigrateHub.Appliance.Replication;
using MigrateHub.Shared.Discovery.Simulation;
using MigrateHub.Shared.Inventory;
using Spectre.Console;

namespace MigrateHub.Appliance;

/// <summary>
/// The <c>replicate</c> command (the appliance answers its work items until Ctrl+C) and the <c>migrate</c> command
/// (the same appliance, plus the user's side of a migration of a few servers through the API, with a summary).
/// </summary>
internal static class ReplicationCommands
{
    private sealed class Common
    {
        public Option<string> Hub { get; } = new("--hub") { Description = "Base URL of the hub (DevHost or Function App).", DefaultValueFactory = _ => "http://127.0.0.1:7071/" };
        public Option<string> Project { get; } = new("--project") { Description = "Project name.", Required = true };
        public Option<string> Appliance { get; } = new("--appliance") { Description = "Appliance name.", DefaultValueFactory = _ => "sim-appliance" };
        public Option<string?> Credential { get; } = new("--credential") { Description = "The appliance credential (x-appliance-key)." };
        public Option<FileInfo?> CredentialFile { get; } = new("--credential-file") { Description = "File holding the appliance credential (written by discovery with --credential-file)." };
        public Option<FileInfo?> RvTools { get; } = new("--rvtools") { Description = "The estate this appliance discovered, from an RVTools XLSX export (sizes the transfers)." };
        public Option<FileInfo?> Csv { get; } = new("--csv") { Description = "The estate, from an Azure Migrate import CSV." };
        public Option<int?> Generate { get; } = new("--generate") { Description = "The estate, generated (N VMware servers)." };
        public Option<double> Speedup { get; } = new("--speedup") { Description = "Simulated seconds per real second (3600: an hour of copying takes a second).", DefaultValueFactory = _ => 1 };
        public Option<double> Bandwidth { get; } = new("--bandwidth-mbps") { Description = "Uplink of the appliance, shared by its transfers (Mbit/s).", DefaultValueFactory = _ => 1000 };
        public Option<double> Churn { get; } = new("--churn-percent-per-hour") { Description = "Percent of a server's data that changes per hour (sizes the deltas).", DefaultValueFactory = _ => 0.5 };
        public Option<double> FailPercent { get; } = new("--fail-percent") { Description = "Percent of cycles reported as failed (simulated errors).", DefaultValueFactory = _ => 0 };
        public Option<double> Poll { get; } = new("--poll-seconds") { Description = "Seconds between pulls of the work items.", DefaultValueFactory = _ => 2 };
        public Option<int> Heartbeat { get; } = new("--heartbeat-seconds") { Description = "Seconds between heartbeats.", DefaultValueFactory = _ => 60 };
        public Option<double> ProgressPercent { get; } = new("--progress-percent") { Description = "Report an initial seed's progress to the hub each time it crosses another this many percent (0: never).", DefaultValueFactory = _ => 5 };
        public Option<double> ProgressSeconds { get; } = new("--progress-seconds") { Description = "Least real seconds between two progress reports of one seed.", DefaultValueFactory = _ => 1 };

        public Common()
        {
            ProgressPercent.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<double>() is < 0 or > 100)
                {
                    r.AddError("--progress-percent is 0 (no progress reports) to 100.");
                }
            });
            ProgressSeconds.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<double>() < 0)
                {
                    r.AddError("--progress-seconds is not negative.");
                }
            });
        }

        public void AddTo(Command command)
        {
            foreach (var o in new Option[] { Hub, Project, Appliance, Credential, CredentialFile, RvTools, Csv, Generate, Speedup, Bandwidth, Churn, FailPercent, Poll, Heartbeat, ProgressPercent, ProgressSeconds })
            {
                command.Options.Add(o);
            }
        }

        public string? CredentialOf(ParseResult parse) =>
            parse.GetValue(Credential) ?? (parse.GetValue(CredentialFile) is { Exists: true } f && File.ReadAllText(f.FullName).Trim() is { Length: > 0 } key ? key : null);

        /// <summary>The appliance credential; false, with the reason printed, when none was given.</summary>
        public bool TryCredential(ParseResult parse, [NotNullWhen(true)] out string? credential)
        {
            credential = CredentialOf(parse);
            if (credential is null)
            {
                AnsiConsole.MarkupLine("[red]Give the appliance credential: --credential KEY or --credential-file FILE.[/]");
            }

            return credential is not null;
        }

        /// <summary>An HTTP client for the hub named by --hub.</summary>
        public HttpClient HubHttpOf(ParseResult parse) =>
            new() { BaseAddress = new Uri(parse.GetValue(Hub)!), Timeout = TimeSpan.FromSeconds(60) };

        public IReadOnlyList<DiscoveredServer> EstateOf(ParseResult parse) =>
            parse.GetValue(RvTools) is { } x ? EstateBuilder.FromRvTools(x.FullName)
            : parse.GetValue(Csv) is { } c ? EstateBuilder.FromCsv(c.FullName)
            : parse.GetValue(Generate) is { } n ? EstateBuilder.Generate(n)
            : [];

        public ReplicationOptions ReplicationOf(ParseResult parse) => new()
        {
            Speedup = parse.GetValue(Speedup),
            BandwidthMbps = parse.GetValue(Bandwidth),
            ChurnPercentPerHour = parse.GetValue(Churn),
        };

        public AgentOptions AgentOf(ParseResult parse) => new()
        {
            PollInterval = TimeSpan.FromSeconds(parse.GetValue(Poll)),
            HeartbeatInterval = TimeSpan.FromSeconds(parse.GetValue(Heartbeat)),
            FailurePercent = parse.GetValue(FailPercent),
            ProgressPercentStep = parse.GetValue(ProgressPercent),
            ProgressInterval = TimeSpan.FromSeconds(parse.GetValue(ProgressSeconds)),
        };
    }

    /// <summary><c>replicate</c>: the appliance answers its work items until Ctrl+C.</summary>
    public static Command CreateReplicate()
    {
        var common = new Common();
        var command = new Command("replicate", "Answer the hub's replication work items (initial seed, delta, final delta, source shutdown) with simulated transfers until Ctrl+C.");
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!common.TryCredential(parse, out var credential))
            {
                return 2;
            }

            var estate = common.EstateOf(parse);
            using var http = common.HubHttpOf(parse);
            var hub = new WorkItemClient(http, parse.GetValue(common.Project)!, parse.GetValue(common.Appliance)!, credential);
            var replication = common.ReplicationOf(parse);
            var agent = new ReplicationAgent(hub, estate, replication, common.AgentOf(parse));
            AnsiConsole.MarkupLine($"Appliance [blue]{Markup.Escape(parse.GetValue(common.Appliance)!)}[/] of project [blue]{Markup.Escape(parse.GetValue(common.Project)!)}[/]: answering work items ({estate.Count} servers known, {replication.BandwidthMbps:0} Mbit/s, x{replication.Speedup:0.##}); Ctrl+C stops.");
            var display = new ReplicationDisplay(agent, $"appliance {parse.GetValue(common.Appliance)}", replication.Speedup);
            try
            {
                await display.RunAsync(async () => { await agent.RunAsync(cancellationToken).ConfigureAwait(false); return 0; });
            }
            catch (WorkItemHubException ex)
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
                return 1;
            }

            PrintAgentSummary(agent.Status());
            AnsiConsole.MarkupLine("Stopped.");
            return 0;
        });
        return command;
    }

    /// <summary><c>migrate</c>: a few servers from enable replication to complete migration, the appliance answering meanwhile.</summary>
    public static Command CreateMigrate()
    {
        var common = new Common();
        var key = new Option<string>("--key") { Description = "User key (x-functions-key).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MIGRATEHUB_FUNCTION_KEY") ?? "local-dev-key" };
        var servers = new Option<int>("--servers") { Description = "How many discovered servers to migrate (powered on, sorted by name).", DefaultValueFactory = _ => 5 };
        var server = new Option<string[]>("--server") { Description = "A server id to migrate (repeatable; instead of --servers).", AllowMultipleArgumentsPerToken = false };
        var deltas = new Option<int>("--deltas") { Description = "Delta cycles to wait for before the test migration.", DefaultValueFactory = _ => 3 };
        var subscription = new Option<string>("--subscription") { Description = "Target subscription id.", DefaultValueFactory = _ => "5f1c3b2a-0000-4000-8000-00000000a001" };
        var resourceGroup = new Option<string>("--resource-group") { Description = "Target resource group (must exist).", Required = true };
        var region = new Option<string>("--target-region") { Description = "Target region.", DefaultValueFactory = _ => "westeurope" };
        var vmSize = new Option<string>("--vm-size") { Description = "VM size of the migrated servers.", DefaultValueFactory = _ => "Standard_D4s_v5" };
        var vnet = new Option<string>("--vnet-id") { Description = "ARM id of the target virtual network (must exist).", Required = true };
        var subnet = new Option<string>("--subnet") { Description = "Target subnet.", DefaultValueFactory = _ => "default" };
        var noShutdown = new Option<bool>("--no-shutdown") { Description = "Cut over without shutting the sources down first." };
        var arm = new Option<string?>("--arm") { Description = "A local ARM-compatible endpoint (https://127.0.0.1:PORT) to list the target resource group after each step." };
        var command = new Command("migrate", "Migrate a few discovered servers end to end (enable replication, initial and delta cycles, test migration, cleanup, cutover, complete) while answering the work items as the appliance.")
        {
            key, servers, server, deltas, subscription, resourceGroup, region, vmSize, vnet, subnet, noShutdown, arm,
        };
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!common.TryCredential(parse, out var credential))
            {
                return 2;
            }

            var project = parse.GetValue(common.Project)!;
            var estate = common.EstateOf(parse);
            using var http = common.HubHttpOf(parse);
            Uri? armUri = null;
            if (parse.GetValue(arm) is { } armText && (!Uri.TryCreate(armText.TrimEnd('/') + "/", UriKind.Absolute, out armUri) || !armUri.IsLoopback))
            {
                AnsiConsole.MarkupLine("[red]--arm is the URL of a local ARM-compatible endpoint on the loopback (https://127.0.0.1:PORT).[/]");
                return 2;
            }

            using var armHttp = armUri is null ? null : LocalArmHttp(armUri);
            var replication = common.ReplicationOf(parse);
            var agent = new ReplicationAgent(new WorkItemClient(http, project, parse.GetValue(common.Appliance)!, credential), estate, replication, common.AgentOf(parse));
            var journey = new MigrationJourney(http, parse.GetValue(key)!, project) { DeltaCycles = parse.GetValue(deltas), PerformShutdown = !parse.GetValue(noShutdown) };
            var target = new JourneyTarget(parse.GetValue(subscription)!, parse.GetValue(resourceGroup)!, parse.GetValue(region)!, parse.GetValue(vmSize)!, parse.GetValue(vnet)!, parse.GetValue(subnet)!);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var appliance = agent.RunAsync(stop.Token);
            try
            {
                var ids = parse.GetValue(server) is { Length: > 0 } given ? given.ToList()
                    : (await journey.PickServersAsync(parse.GetValue(servers), 8, cancellationToken)).Select(p => p.Id).ToList();
                if (ids.Count == 0)
                {
                    AnsiConsole.MarkupLine("[red]No discovered server to migrate.[/]");
                    return 1;
                }

                var names = estate.ToDictionary(s => s.Id, s => s.Name, StringComparer.Ordinal);
                string Name(string id) => names.GetValueOrDefault(id, id);
                AnsiConsole.MarkupLine($"Migrating {ids.Count} servers of project [blue]{Markup.Escape(project)}[/] to [blue]{Markup.Escape(target.ResourceGroup)}[/] ({Markup.Escape(target.Region)}, {Markup.Escape(target.VmSize)}): {Markup.Escape(string.Join(", ", ids.Select(Name)))}");
                AnsiConsole.MarkupLine($"Appliance: {replication.BandwidthMbps:0} Mbit/s shared, x{replication.Speedup:0.##} simulated time, {parse.GetValue(deltas)} delta cycles before the test migration.");
                var display = new ReplicationDisplay(agent, $"appliance {parse.GetValue(common.Appliance)}", replication.Speedup);
                var resources = new List<(string Step, string Summary)>();
                var result = await display.RunAsync(() => journey.RunAsync(ids, target, new Progress<JourneyProgress>(display.Report), async (step, _) =>
                {
                    if (armHttp is not null)
                    {
                        var summary = await ArmSummaryAsync(armHttp, target, cancellationToken);
                        resources.Add((step, summary));
                        if (!display.Interactive)
                        {
                            AnsiConsole.WriteLine($"{DateTime.UtcNow:HH:mm:ss} [{step}] done; Azure resources in {target.ResourceGroup}: {summary}");
                        }
                    }
                }, cancellationToken));
                await stop.CancelAsync();
                await appliance;
                PrintJourneySummary(result, resources, agent.Status(), Name);
                if (journey.BusyRetries > 0)
                {
                    AnsiConsole.MarkupLine($"[grey]{journey.BusyRetries} operations were answered 409 with no allowed operation (the item between two states) and sent again.[/]");
                }

                return 0;
            }
            catch (JourneyException ex)
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
                return 1;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                AnsiConsole.MarkupLine("Stopped.");
                return 130;
            }
            finally
            {
                await stop.CancelAsync();
                try
                {
                    await appliance;
                }
                catch (WorkItemHubException ex)
                {
                    AnsiConsole.MarkupLine($"[red]appliance: {Markup.Escape(ex.Message)}[/]");
                }
            }
        });
        return command;
    }

    private static void PrintAgentSummary(AgentStatus s)
    {
        var kinds = s.CompletedByKind.Count == 0 ? "" : $" ({string.Join(", ", s.CompletedByKind.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Value} {k.Key}"))})";
        AnsiConsole.MarkupLine($"Appliance: {s.Reported} work items reported{kinds}, " +
            $"{s.FailedReports} failed, {s.Cancelled} cancelled, {MigrationJourney.Bytes(s.BytesTransferred)} copied, {s.ProgressReports} progress reports ({s.ProgressErrors} not taken), {s.Heartbeats} heartbeats, {s.Pulls} pulls ({s.PullErrors} failed).");
    }

    private static void PrintJourneySummary(JourneyResult result, IReadOnlyList<(string Step, string Summary)> resources, AgentStatus agent, Func<string, string> name)
    {
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine("[bold]Migration summary[/]");
        var steps = new Table().Border(TableBorder.Simple).AddColumns("Step", "Wall time", "Azure resources after it");
        foreach (var t in result.Steps)
        {
            steps.AddRow(t.Step, $"{t.Duration.TotalSeconds:0.0} s", Markup.Escape(resources.FirstOrDefault(r => r.Step == t.Step).Summary ?? "-"));
        }

        steps.AddRow("[bold]total[/]", $"[bold]{result.Steps.Sum(t => t.Duration.TotalSeconds):0.0} s[/]", "");
        AnsiConsole.Write(steps);

        var servers = new Table().Border(TableBorder.Simple).AddColumns("Server", "Cycles: duration (wait before it)", "Health", "Azure VM", "Final state");
        foreach (var (id, views) in result.Items.OrderBy(i => name(i.Key), StringComparer.OrdinalIgnoreCase))
        {
            var replicated = views.GetValueOrDefault(JourneySteps.Replicate);
            var cycles = replicated?["cycles"]?.AsArray().Select(c => c!).Select(c =>
            {
                var duration = c["endedAt"] is null ? "-" : $"{(c["endedAt"]!.GetValue<DateTimeOffset>() - c["startedAt"]!.GetValue<DateTimeOffset>()).TotalSeconds:0.0}s";
                var wait = c["delayBefore"] is null ? "" : $" (+{TimeSpan.Parse(MigrationJourney.S(c, "delayBefore"), CultureInfo.InvariantCulture).TotalSeconds:0.0}s)";
                return MigrationJourney.S(c, "kind") == "InitialSeed" ? $"seed {duration}" : $"Δ{c["number"]} {duration}{wait}";
            }) ?? [];
            var migrated = views.GetValueOrDefault(JourneySteps.Cutover);
            var done = views.GetValueOrDefault(JourneySteps.Complete);
            servers.AddRow(
                Markup.Escape(name(id)), Markup.Escape(string.Join(", ", cycles)), Markup.Escape(replicated is null ? "" : MigrationJourney.S(replicated, "health")),
                Markup.Escape(migrated?["virtualMachineId"]?.GetValue<string>()?.Split('/').Last() ?? "-"),
                Markup.Escape(done is null ? "-" : $"{MigrationJourney.S(done, "state")} ({MigrationJourney.S(done, "migrationState")})"));
        }

        AnsiConsole.Write(servers);
        PrintAgentSummary(agent);
    }

    /// <summary>An HttpClient for a local ARM-compatible endpoint on the loopback (its certificate is self-signed).</summary>
    private static HttpClient LocalArmHttp(Uri endpoint)
    {
        if (!endpoint.IsLoopback)
        {
            throw new ArgumentException("--arm is for the local ARM-compatible endpoint (127.0.0.1) only.");
        }

        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (request, _, _, _) => request.RequestUri?.IsLoopback == true };
        var http = new HttpClient(handler) { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "local");
        return http;
    }

    /// <summary>The resources of the target resource group, counted: VMs, NICs, disks (seed / test), VNets.</summary>
    private static async Task<string> ArmSummaryAsync(HttpClient arm, JourneyTarget target, CancellationToken cancellationToken)
    {
        var text = await arm.GetStringAsync(new Uri($"subscriptions/{target.SubscriptionId}/resourceGroups/{target.ResourceGroup}/resources?api-version=2021-04-01", UriKind.Relative), cancellationToken);
        var resources = JsonNode.Parse(text)!["value"]!.AsArray().Select(r => (Type: r!["type"]!.GetValue<string>(), Name: r["name"]!.GetValue<string>())).ToList();
        int Count(string type, Func<string, bool>? name = null) => resources.Count(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase) && (name?.Invoke(r.Name) ?? true));
        static bool Test(string n) => n.Contains("-test", StringComparison.Ordinal);
        static bool Seed(string n) => n.Contains("-seed-", StringComparison.Ordinal);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Count("Microsoft.Compute/virtualMachines", n => !Test(n))} VMs, {Count("Microsoft.Compute/virtualMachines", Test)} test VMs, " +
            $"{Count("Microsoft.Compute/disks", Seed)} seed disks, {Count("Microsoft.Compute/disks", n => !Seed(n) && !Test(n))} VM disks, {Count("Microsoft.Compute/disks", Test)} test disks, " +
            $"{Count("Microsoft.Network/networkInterfaces")} NICs, {Count("Microsoft.Network/virtualNetworks")} VNets");
    }
}
