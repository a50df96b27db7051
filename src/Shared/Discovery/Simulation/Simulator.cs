using System.Globalization;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Discovery.Simulation;

/// <summary>Progress of a simulated appliance run.</summary>
/// <param name="Step">What is being sent.</param>
/// <param name="Done">Uploads of the step done.</param>
/// <param name="Total">Uploads of the step.</param>
public sealed record SimulatorProgress(string Step, int Done, int Total);

/// <summary>What a simulated appliance sent.</summary>
public sealed record SimulatorResult(
    IReadOnlyList<DiscoveredServer> Servers,
    IReadOnlyDictionary<string, IReadOnlyList<PerformancePoint>> Performance,
    IReadOnlyList<ServerSoftware> Software,
    IReadOnlyList<DependencyConnection> Dependencies,
    IReadOnlyList<string> StatusUris);

/// <summary>Plays an appliance: inventory, then performance, software and dependencies, waiting for each upload's ingestion.</summary>
public sealed class Simulator(ApplianceClient client)
{
    /// <summary>Servers per performance upload (keeps each upload well below the size limit).</summary>
    public int ServersPerPerformanceUpload { get; set; } = 25;

    /// <summary>Sends an estate with <paramref name="perfDays"/> of performance and <paramref name="dependencyDays"/> of dependencies.</summary>
    public async Task<SimulatorResult> SendEstateAsync(
        IReadOnlyList<DiscoveredServer> servers, IReadOnlyList<UtilizationTrace> traces, DateTimeOffset now, int perfDays, int dependencyDays, string runId,
        IProgress<SimulatorProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(traces);
        var statuses = new List<string>();
        async Task SendAsync(string id, UploadPayload payload)
        {
            var uri = await client.UploadAsync(id, payload, cancellationToken).ConfigureAwait(false);
            statuses.Add(uri);
            var status = await client.WaitAsync(uri, TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
            var state = status["upload"]?["state"]?.GetValue<string>();
            if (state != UploadStates.Ingested)
            {
                throw new InvalidOperationException($"Upload {id} ended {state}: {status["upload"]?["reason"]}");
            }
        }

        progress?.Report(new SimulatorProgress("inventory", 0, 1));
        await SendAsync($"{runId}-inventory", new UploadPayload { Kind = UploadKinds.Inventory, Complete = true, Servers = servers }).ConfigureAwait(false);
        progress?.Report(new SimulatorProgress("inventory", 1, 1));

        var perf = new Dictionary<string, IReadOnlyList<PerformancePoint>>(StringComparer.Ordinal);
        if (perfDays > 0 && traces.Count > 0)
        {
            var chunks = servers.Select((s, i) => (s, i)).Chunk(ServersPerPerformanceUpload).ToList();
            for (var c = 0; c < chunks.Count; c++)
            {
                var entries = chunks[c].Select(x => new ServerPerformance(x.s.Id, EstateBuilder.Performance(x.s, x.i, traces, now, perfDays))).ToList();
                foreach (var e in entries)
                {
                    perf[e.ServerId!] = e.Points!;
                }

                await SendAsync($"{runId}-perf-{c.ToString(CultureInfo.InvariantCulture)}", new UploadPayload { Kind = UploadKinds.Performance, Performance = entries }).ConfigureAwait(false);
                progress?.Report(new SimulatorProgress("performance", c + 1, chunks.Count));
            }
        }

        var software = servers.Select((s, i) => EstateBuilder.Software(s, i)).ToList();
        await SendAsync($"{runId}-software", new UploadPayload { Kind = UploadKinds.Software, Software = software }).ConfigureAwait(false);
        progress?.Report(new SimulatorProgress("software", 1, 1));

        var dependencies = dependencyDays > 0 ? EstateBuilder.Dependencies(servers, now, dependencyDays) : [];
        if (dependencies.Count > 0)
        {
            await SendAsync($"{runId}-dependencies", new UploadPayload { Kind = UploadKinds.Dependencies, Connections = dependencies }).ConfigureAwait(false);
        }

        progress?.Report(new SimulatorProgress("dependencies", 1, 1));
        return new SimulatorResult(servers, perf, software, dependencies, statuses);
    }
}
