using Microsoft.DurableTask;
using MigrateHub.Shared.Discovery;

namespace MigrateHub.Orchestrations.Machines;

/// <summary>Input (and carried state) of a machine's lifecycle.</summary>
/// <param name="ProjectId">Project id.</param>
/// <param name="ServerId">The discovered server's id.</param>
/// <param name="ServerName">Its name when discovered.</param>
/// <param name="State">Lifecycle state (<see cref="MachineStates"/>).</param>
/// <param name="IdleTimeout">How long to wait for an event before renewing the history with ContinueAsNew.</param>
public sealed record MachineLifecycleRequest(string ProjectId, string ServerId, string ServerName, string State, TimeSpan IdleTimeout);

/// <summary>Custom status of a machine's lifecycle orchestration.</summary>
/// <param name="State">Lifecycle state.</param>
/// <param name="ServerId">Server id.</param>
/// <param name="ServerName">Server name.</param>
/// <param name="Since">When the state was entered.</param>
public sealed record MachineLifecycleStatus(string State, string ServerId, string ServerName, DateTime Since);

/// <summary>An event sent to a machine's lifecycle (later issues add operations).</summary>
/// <param name="Name">Event name.</param>
public sealed record MachineEvent(string Name);

/// <summary>Lifecycle states of a machine.</summary>
public static class MachineStates
{
    /// <summary>Discovered by an appliance or an import.</summary>
    public const string Discovered = "Discovered";
}

/// <summary>
/// The long-lived lifecycle of one discovered machine, instance id <c>{projectId}:{serverId}</c>
/// (see <see cref="InstanceId"/>), started once per server by ingestion. For now it holds the state
/// Discovered in its custom status and waits for a <see cref="MachineEvent"/> or a long timer, then
/// renews itself with ContinueAsNew so that its history stays small; later issues add the
/// assess / replicate / migrate transitions.
/// </summary>
public sealed class MachineLifecycleOrchestrator : TaskOrchestrator<MachineLifecycleRequest, string>
{
    /// <summary>Name of the external event.</summary>
    public const string EventName = nameof(MachineEvent);

    /// <summary>Default wait before the orchestration renews its history.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromDays(30);

    /// <summary>The instance id of a machine's lifecycle (server ids are escaped for the durable store).</summary>
    public static string InstanceId(string projectId, string serverId) => projectId + ":" + DiscoveryTables.Escape(serverId);

    /// <inheritdoc />
    public override async Task<string> RunAsync(TaskOrchestrationContext context, MachineLifecycleRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        context.SetCustomStatus(new MachineLifecycleStatus(input.State, input.ServerId, input.ServerName, context.CurrentUtcDateTime));

        using var cts = new CancellationTokenSource();
        var eventTask = context.WaitForExternalEvent<MachineEvent>(EventName, cts.Token);
        var timerTask = context.CreateTimer(input.IdleTimeout, cts.Token);
        var winner = await Task.WhenAny(eventTask, timerTask);
        await cts.CancelAsync();
        if (winner == eventTask)
        {
            var logger = context.CreateReplaySafeLogger<MachineLifecycleOrchestrator>();
            logger.LogMachineEvent(input.ProjectId, input.ServerId, eventTask.Result.Name, input.State);
        }

        context.ContinueAsNew(input, preserveUnprocessedEvents: true);
        return input.State;
    }
}

internal static partial class MachineLifecycleLog
{
    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information,
        Message = "Machine {ProjectId}/{ServerId} received event {EventName} in state {State}; no transition defined yet")]
    public static partial void LogMachineEvent(this Microsoft.Extensions.Logging.ILogger logger, string projectId, string serverId, string eventName, string state);
}
