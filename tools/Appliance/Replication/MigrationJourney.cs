using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace MigrateHub.Appliance.Replication;

/// <summary>Where the migrated servers land (the body of enable replication).</summary>
/// <param name="SubscriptionId">Target subscription.</param>
/// <param name="ResourceGroup">Target resource group (exists).</param>
/// <param name="Region">Target region.</param>
/// <param name="VmSize">VM size of every server of the batch.</param>
/// <param name="VirtualNetworkId">ARM id of the target VNet (exists).</param>
/// <param name="SubnetName">Subnet of the VNet.</param>
public sealed record JourneyTarget(string SubscriptionId, string ResourceGroup, string Region, string VmSize, string VirtualNetworkId, string SubnetName);

/// <summary>The steps of a migration, in order.</summary>
public static class JourneySteps
{
    /// <summary>Enable replication, initial replication and the delta cycles.</summary>
    public const string Replicate = "replicate";
    /// <summary>Test migration (<c>&lt;vm&gt;-test</c>).</summary>
    public const string TestMigrate = "test migrate";
    /// <summary>Test migration cleanup.</summary>
    public const string Cleanup = "cleanup";
    /// <summary>Cutover (source shutdown, final delta, the Azure VM).</summary>
    public const string Cutover = "cutover";
    /// <summary>Complete migration (replication stops, seed disks deleted).</summary>
    public const string Complete = "complete";

    /// <summary>All steps in order.</summary>
    public static IReadOnlyList<string> All { get; } = [Replicate, TestMigrate, Cleanup, Cutover, Complete];
}

/// <summary>Where a step is: servers done of the total, and every server's item view.</summary>
/// <param name="Step">A <see cref="JourneySteps"/> value.</param>
/// <param name="Done">Servers that reached the end of the step.</param>
/// <param name="Total">Servers of the journey.</param>
/// <param name="Items">Server id -> its migration item view (the lifecycle's custom status).</param>
public sealed record JourneyProgress(string Step, int Done, int Total, IReadOnlyDictionary<string, JsonNode> Items);

/// <summary>How long a step took.</summary>
/// <param name="Step">A <see cref="JourneySteps"/> value.</param>
/// <param name="Duration">Wall-clock time from its first call to the last server done.</param>
public sealed record JourneyStepTiming(string Step, TimeSpan Duration);

/// <summary>What a journey did.</summary>
/// <param name="Steps">Timing of each step.</param>
/// <param name="Items">Server id -> its item view at the end of each step (step -> view).</param>
public sealed record JourneyResult(IReadOnlyList<JourneyStepTiming> Steps, IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonNode>> Items);

/// <summary>A journey step ended in a failure state, or took too long.</summary>
public sealed class JourneyException(string message) : Exception(message);

/// <summary>
/// The user's side of a migration, through the hub's API (user key): enable replication of a batch of servers, wait for
/// the initial replication and <see cref="DeltaCycles"/> delta cycles, test migrate, clean up, cut over (with source
/// shutdown) and complete. The appliance's side (the work items) is a <see cref="ReplicationAgent"/>, run next to it.
/// </summary>
public sealed class MigrationJourney(HttpClient http, string userKey, string project)
{
    private int _busyRetries;

    /// <summary>Operations answered 409 with no allowed operation (the item between two states) and sent again.</summary>
    public int BusyRetries => _busyRetries;

    /// <summary>Delta cycles to wait for before the test migration.</summary>
    public int DeltaCycles { get; init; } = 3;

    /// <summary>Whether the cutover shuts the source servers down first.</summary>
    public bool PerformShutdown { get; init; } = true;

    /// <summary>Time between status reads.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest a step may take.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Picks <paramref name="count"/> discovered servers to migrate (powered on, at least one disk, at most
    /// <paramref name="maxDataDisks"/> data disks, sorted by name).
    /// </summary>
    public async Task<IReadOnlyList<(string Id, string Name)>> PickServersAsync(int count, int maxDataDisks, CancellationToken cancellationToken)
    {
        var picked = new List<(string Id, string Name)>();
        string? token = null;
        do
        {
            var path = $"api/projects/{Uri.EscapeDataString(project)}/servers?pageSize=1000&powerState=On" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = await GetAsync(path, cancellationToken).ConfigureAwait(false);
            foreach (var v in page["value"]!.AsArray())
            {
                var server = v!["server"] ?? v;
                var disks = server["disks"]?.AsArray().Count ?? 0;
                if (disks >= 1 && disks - 1 <= maxDataDisks && v["missing"]?.GetValue<bool>() != true)
                {
                    picked.Add((server["id"]!.GetValue<string>(), server["name"]!.GetValue<string>()));
                }
            }

            token = page["continuationToken"]?.GetValue<string>();
        }
        while (token is not null);

        return picked.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Id, StringComparer.Ordinal).Take(count).ToList();
    }

    /// <summary>
    /// Runs the journey for <paramref name="servers"/>. <paramref name="afterStep"/> runs when every server has finished a
    /// step (before the next starts), with the item views.
    /// </summary>
    public async Task<JourneyResult> RunAsync(
        IReadOnlyList<string> servers, JourneyTarget target, IProgress<JourneyProgress>? progress,
        Func<string, IReadOnlyDictionary<string, JsonNode>, Task>? afterStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(target);
        var timings = new List<JourneyStepTiming>();
        var views = servers.ToDictionary(s => s, _ => new Dictionary<string, JsonNode>(StringComparer.Ordinal), StringComparer.Ordinal);

        async Task StepAsync(string step, Func<Task> start, Func<JsonNode, bool> done, Func<JsonNode, string?> failed)
        {
            var clock = Stopwatch.StartNew();
            await start().ConfigureAwait(false);
            var items = await WaitAllAsync(step, servers, done, failed, progress, cancellationToken).ConfigureAwait(false);
            timings.Add(new JourneyStepTiming(step, clock.Elapsed));
            foreach (var (id, item) in items)
            {
                views[id][step] = item;
            }

            if (afterStep is not null)
            {
                await afterStep(step, items).ConfigureAwait(false);
            }
        }

        await StepAsync(JourneySteps.Replicate,
            async () =>
            {
                foreach (var batch in servers.Chunk(100))
                {
                    await PostAsync($"api/projects/{Uri.EscapeDataString(project)}/migrationItems", new
                    {
                        servers = batch,
                        subscriptionId = target.SubscriptionId,
                        resourceGroup = target.ResourceGroup,
                        targetRegion = target.Region,
                        vmSize = target.VmSize,
                        network = new { virtualNetworkId = target.VirtualNetworkId, subnetName = target.SubnetName },
                    }, cancellationToken).ConfigureAwait(false);
                }
            },
            s => S(s, "migrationState") == "Replicating" && (s["deltaCyclesCompleted"]?.GetValue<int>() ?? 0) >= DeltaCycles,
            s => S(s, "migrationState") is "EnableMigrationFailed" or "InitialSeedingFailed" ? S(s, "lastMessage") : null).ConfigureAwait(false);

        await StepAsync(JourneySteps.TestMigrate,
            () => OperationForEachAsync(servers, "testMigrate", null, cancellationToken),
            s => S(s, "testMigrateState") == "TestMigrationSucceeded",
            s => S(s, "testMigrateState") == "TestMigrationFailed" ? S(s, "lastMessage") : null).ConfigureAwait(false);

        await StepAsync(JourneySteps.Cleanup,
            () => OperationForEachAsync(servers, "testMigrateCleanup", null, cancellationToken),
            s => S(s, "testMigrateState") == "None" && S(s, "migrationState") == "Replicating",
            _ => null).ConfigureAwait(false);

        await StepAsync(JourneySteps.Cutover,
            () => OperationForEachAsync(servers, "migrate", new { performShutdown = PerformShutdown }, cancellationToken),
            s => S(s, "migrationState") == "MigrationSucceeded",
            s => S(s, "migrationState") == "MigrationFailed" ? S(s, "lastMessage") : null).ConfigureAwait(false);

        await StepAsync(JourneySteps.Complete,
            () => OperationForEachAsync(servers, "completeMigration", null, cancellationToken),
            s => S(s, "state") == "Completed",
            s => S(s, "migrationState") == "DisableMigrationFailed" ? S(s, "lastMessage") : null).ConfigureAwait(false);

        return new JourneyResult(timings, views.ToDictionary(v => v.Key, v => (IReadOnlyDictionary<string, JsonNode>)v.Value, StringComparer.Ordinal));
    }

    /// <summary>A string field of an item view ("" when absent).</summary>
    public static string S(JsonNode node, string name) => node?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty;

    private async Task OperationForEachAsync(IReadOnlyList<string> servers, string operation, object? body, CancellationToken cancellationToken)
    {
        foreach (var server in servers)
        {
            await PostAsync($"api/projects/{Uri.EscapeDataString(project)}/migrationItems/{Uri.EscapeDataString(server)}/{operation}", body, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyDictionary<string, JsonNode>> WaitAllAsync(
        string step, IReadOnlyList<string> servers, Func<JsonNode, bool> done, Func<JsonNode, string?> failed, IProgress<JourneyProgress>? progress, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StepTimeout;
        var items = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        while (true)
        {
            var finished = 0;
            foreach (var server in servers)
            {
                var item = await TryGetAsync($"api/projects/{Uri.EscapeDataString(project)}/migrationItems/{Uri.EscapeDataString(server)}", cancellationToken).ConfigureAwait(false);
                if (item is null)
                {
                    continue;
                }

                items[server] = item;
                if (failed(item) is { } reason)
                {
                    throw new JourneyException($"{step}: server '{server}' failed ({S(item, "migrationState")}/{S(item, "testMigrateState")}): {reason}");
                }

                if (done(item))
                {
                    finished++;
                }
            }

            progress?.Report(new JourneyProgress(step, finished, servers.Count, items));
            if (finished == servers.Count)
            {
                return items;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new JourneyException($"{step}: {servers.Count - finished} of {servers.Count} servers not done after {StepTimeout}.");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PostAsync(string path, object? body, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Add("x-functions-key", userKey);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            // 409 with no allowed operation: the item is between two states (an operation or a cycle step in progress,
            // or the lifecycle renewing itself: right after its ContinueAsNew, until the new execution's first
            // SetCustomStatus, the hub reads no custom status and answers as for a server just discovered); the
            // operation becomes allowed when it settles. Any other answer is final.
            if (response.StatusCode == HttpStatusCode.Conflict && JsonNode.Parse(text)?["allowedOperations"] is JsonArray { Count: 0 } && DateTime.UtcNow < deadline)
            {
                Interlocked.Increment(ref _busyRetries);
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                continue;
            }

            throw new JourneyException($"POST {path}: {(int)response.StatusCode} {text}");
        }
    }

    private async Task<JsonNode> GetAsync(string path, CancellationToken cancellationToken) =>
        await TryGetAsync(path, cancellationToken).ConfigureAwait(false) ?? throw new JourneyException($"GET {path}: not found.");

    private async Task<JsonNode?> TryGetAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("x-functions-key", userKey);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => JsonNode.Parse(text),
            HttpStatusCode.NotFound => null,
            _ => throw new JourneyException($"GET {path}: {(int)response.StatusCode} {text}"),
        };
    }

    /// <summary>Formats a byte count (GiB/MiB).</summary>
    public static string Bytes(long bytes) => bytes >= 1L << 30
        ? (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB"
        : (bytes / (double)(1L << 20)).ToString("0", CultureInfo.InvariantCulture) + " MiB";
}
