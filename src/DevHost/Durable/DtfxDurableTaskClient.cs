using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.Query;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker.Shims;
using CoreStatus = DurableTask.Core.OrchestrationStatus;
using PortableQuery = Microsoft.DurableTask.Client.OrchestrationQuery;
using PurgeResult = Microsoft.DurableTask.Client.PurgeResult;

namespace MigrateHub.DevHost.Durable;

/// <summary>
/// A portable <see cref="DurableTaskClient"/> over the Durable Task Framework's Azure Storage
/// backend, so that the Function App's trigger code (which receives a DurableTaskClient) runs
/// unchanged in the DevHost. Inputs, outputs and events use the portable SDK's JSON converter.
/// </summary>
public sealed class DtfxDurableTaskClient : DurableTaskClient
{
    private static readonly CoreStatus[] DedupeStatuses = [CoreStatus.Running, CoreStatus.Pending, CoreStatus.Suspended];
    private readonly AzureStorageOrchestrationService _service;
    private readonly TaskHubClient _client;
    private readonly DataConverter _converter = Microsoft.DurableTask.Converters.JsonDataConverter.Default;

    /// <summary>Creates the client over an orchestration service.</summary>
    public DtfxDurableTaskClient(string name, AzureStorageOrchestrationService service, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory)
        : base(name)
    {
        _service = service;
        _client = new TaskHubClient(service, new PortableDataConverter(_converter), loggerFactory);
    }

    /// <inheritdoc />
    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        var tags = options?.Tags?.ToDictionary(t => t.Key, t => t.Value);
        var instance = options?.StartAt is { } startAt
            ? await _client.CreateOrchestrationInstanceAsync(orchestratorName.Name, string.Empty, instanceId, input, tags, DedupeStatuses, startAt.UtcDateTime).ConfigureAwait(false)
            : await _client.CreateOrchestrationInstanceAsync(orchestratorName.Name, string.Empty, instanceId, input, tags, DedupeStatuses).ConfigureAwait(false);
        return instance.InstanceId;
    }

    /// <inheritdoc />
    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) =>
        _client.RaiseEventAsync(new OrchestrationInstance { InstanceId = instanceId }, eventName, eventPayload!);

    /// <inheritdoc />
    public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default) =>
        _client.TerminateInstanceAsync(new OrchestrationInstance { InstanceId = instanceId }, options?.Output?.ToString() ?? "Terminated.");

    /// <inheritdoc />
    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        _client.SuspendInstanceAsync(new OrchestrationInstance { InstanceId = instanceId }, reason ?? "Suspended.");

    /// <inheritdoc />
    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        _client.ResumeInstanceAsync(new OrchestrationInstance { InstanceId = instanceId }, reason ?? "Resumed.");

    /// <inheritdoc />
    public override async Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        var states = await _service.GetOrchestrationStateAsync(instanceId, allExecutions: false, fetchInput: getInputsAndOutputs).ConfigureAwait(false);
        var state = states?.FirstOrDefault();
        return state is null ? null : ToMetadata(state, getInputsAndOutputs);
    }

    /// <inheritdoc />
    public override async Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        while (true)
        {
            var metadata = await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation).ConfigureAwait(false);
            if (metadata is not null && metadata.RuntimeStatus != OrchestrationRuntimeStatus.Pending)
            {
                return metadata;
            }

            await Task.Delay(200, cancellation).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        while (true)
        {
            var metadata = await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation).ConfigureAwait(false);
            if (metadata is { IsCompleted: true })
            {
                return metadata;
            }

            await Task.Delay(200, cancellation).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(PortableQuery? filter = null) =>
        Pageable.Create<OrchestrationMetadata>(async (continuation, pageSize, cancellation) =>
        {
            var query = new DurableTask.Core.Query.OrchestrationQuery
            {
                PageSize = pageSize ?? filter?.PageSize ?? 100,
                ContinuationToken = continuation ?? filter?.ContinuationToken,
                InstanceIdPrefix = filter?.InstanceIdPrefix,
                FetchInputsAndOutputs = filter?.FetchInputsAndOutputs ?? false,
                CreatedTimeFrom = filter?.CreatedFrom?.UtcDateTime,
                CreatedTimeTo = filter?.CreatedTo?.UtcDateTime,
                RuntimeStatus = filter?.Statuses?.Select(s => (CoreStatus)s).ToList(),
            };
            var result = await ((IOrchestrationServiceQueryClient)_service).GetOrchestrationWithQueryAsync(query, cancellation).ConfigureAwait(false);
            var items = result.OrchestrationState.Select(s => ToMetadata(s, query.FetchInputsAndOutputs)).ToList();
            return new Page<OrchestrationMetadata>(items, string.IsNullOrEmpty(result.ContinuationToken) ? null : result.ContinuationToken);
        });

    /// <inheritdoc />
    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        var result = await _service.PurgeInstanceHistoryAsync(instanceId).ConfigureAwait(false);
        return new PurgeResult(result.InstancesDeleted);
    }

    /// <inheritdoc />
    public override async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var result = await _service.PurgeInstanceHistoryAsync(
            filter.CreatedFrom?.UtcDateTime ?? DateTime.MinValue,
            filter.CreatedTo?.UtcDateTime,
            filter.Statuses?.Select(s => (CoreStatus)s)).ConfigureAwait(false);
        return new PurgeResult(result.InstancesDeleted);
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private OrchestrationMetadata ToMetadata(OrchestrationState state, bool withData) =>
        new(state.Name, state.OrchestrationInstance.InstanceId)
        {
            RuntimeStatus = (OrchestrationRuntimeStatus)state.OrchestrationStatus,
            CreatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.CreatedTime, DateTimeKind.Utc)),
            LastUpdatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.LastUpdatedTime, DateTimeKind.Utc)),
            SerializedInput = withData ? state.Input : null,
            SerializedOutput = withData ? state.Output : null,
            SerializedCustomStatus = state.Status,
            Tags = state.Tags is null ? new Dictionary<string, string>() : new Dictionary<string, string>(state.Tags),
            FailureDetails = state.FailureDetails is null ? null : ToFailure(state.FailureDetails),
            DataConverter = _converter,
        };

    private static TaskFailureDetails ToFailure(FailureDetails details) =>
        new(details.ErrorType, details.ErrorMessage, details.StackTrace, details.InnerFailure is null ? null : ToFailure(details.InnerFailure), null);
}

/// <summary>DTFx's data converter interface over the portable SDK's converter (System.Text.Json).</summary>
internal sealed class PortableDataConverter(DataConverter inner) : DurableTask.Core.Serializing.DataConverter
{
    public override string? Serialize(object? value) => inner.Serialize(value);

    public override string? Serialize(object? value, bool formatted) => inner.Serialize(value);

    public override object? Deserialize(string? data, Type objectType) => inner.Deserialize(data, objectType);
}
