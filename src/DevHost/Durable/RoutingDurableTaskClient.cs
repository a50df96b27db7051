using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using MigrateHub.Shared.Projects;

namespace MigrateHub.DevHost.Durable;

/// <summary>
/// The DurableTaskClient the DevHost hands to trigger code. In Azure each stamp's Function App has
/// its own task hub and serves only its region's projects; the DevHost runs every region's stamp in
/// one process, so this client sends each call to the task hub of the instance's region. Instance
/// ids start with the project id (<c>{projectId}:...</c>); the directory says which region that
/// project lives in (a project never moves, so the answer is cached).
/// </summary>
public sealed class RoutingDurableTaskClient(
    IReadOnlyDictionary<string, RegionalTaskHub> hubs, string defaultRegion, ProjectDirectory directory)
    : DurableTaskClient("routing")
{
    private readonly ConcurrentDictionary<string, string> _regionOfProject = new(StringComparer.Ordinal);

    /// <summary>The region hub for an instance id.</summary>
    public async Task<RegionalTaskHub> HubForAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        var separator = instanceId.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0)
        {
            return hubs[defaultRegion];
        }

        var projectId = instanceId[..separator];
        if (!_regionOfProject.TryGetValue(projectId, out var region))
        {
            var entry = await directory.FindByIdAsync(projectId, cancellationToken).ConfigureAwait(false);
            region = entry?.Region ?? defaultRegion;
            if (entry is not null)
            {
                _regionOfProject[projectId] = region;
            }
        }

        return hubs.TryGetValue(region, out var hub) ? hub : hubs[defaultRegion];
    }

    /// <inheritdoc />
    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        var hub = await HubForAsync(instanceId, cancellation).ConfigureAwait(false);
        return await hub.Client.ScheduleNewOrchestrationInstanceAsync(
            orchestratorName, input, (options ?? new StartOrchestrationOptions()) with { InstanceId = instanceId }, cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) =>
        await (await HubForAsync(instanceId, cancellation).ConfigureAwait(false)).Client.RaiseEventAsync(instanceId, eventName, eventPayload, cancellation).ConfigureAwait(false);

    /// <inheritdoc />
    public override async Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default) =>
        await (await HubForAsync(instanceId, cancellation).ConfigureAwait(false)).Client.TerminateInstanceAsync(instanceId, options, cancellation).ConfigureAwait(false);

    /// <inheritdoc />
    public override async Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        await (await HubForAsync(instanceId, cancellation).ConfigureAwait(false)).Client.SuspendInstanceAsync(instanceId, reason, cancellation).ConfigureAwait(false);

    /// <inheritdoc />
    public override async Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        await (await HubForAsync(instanceId, cancellation).ConfigureAwait(false)).Client.ResumeInstanceAsync(instanceId, reason, cancellation).ConfigureAwait(false);

    /// <inheritdoc />
    public override async Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        await (await HubForAsync(instanceId, cancellation).ConfigureAwait(false)).Client.GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation).ConfigureAwait(false);

    /// <inheritdoc />
    public override async Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        await (await HubForAsync(instanceId, cancellation).ConfigureAwait(false)).Client.WaitForInstanceStartAsync(instanceId, getInputsAndOutputs, cancellation).ConfigureAwait(false);

    /// <inheritdoc />
    public override async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        await (await HubForAsync(instanceId, cancellation).ConfigureAwait(false)).Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs, cancellation).ConfigureAwait(false);

    /// <inheritdoc />
    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) =>
        await (await HubForAsync(instanceId, cancellation).ConfigureAwait(false)).Client.PurgeInstanceAsync(instanceId, options, cancellation).ConfigureAwait(false);

    /// <inheritdoc />
    public override async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        var total = 0;
        foreach (var hub in hubs.Values)
        {
            total += (await hub.Client.PurgeAllInstancesAsync(filter, options, cancellation).ConfigureAwait(false)).PurgedInstanceCount;
        }

        return new PurgeResult(total);
    }

    /// <summary>
    /// With an instance id prefix that names a project, asks that project's region only;
    /// otherwise every region, one after the other.
    /// </summary>
    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) =>
        Pageable.Create<OrchestrationMetadata>(async (continuation, pageSize, cancellation) =>
        {
            var items = new List<OrchestrationMetadata>();
            IEnumerable<RegionalTaskHub> targets = filter?.InstanceIdPrefix is { } prefix && prefix.Contains(':', StringComparison.Ordinal)
                ? [await HubForAsync(prefix, cancellation).ConfigureAwait(false)]
                : hubs.Values;
            foreach (var hub in targets)
            {
                await foreach (var item in hub.Client.GetAllInstancesAsync(filter).WithCancellation(cancellation).ConfigureAwait(false))
                {
                    items.Add(item);
                }
            }

            return new Page<OrchestrationMetadata>(items, null);
        });

    /// <inheritdoc />
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
