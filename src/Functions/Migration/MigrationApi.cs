using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using MigrateHub.Functions.Http;
using MigrateHub.Orchestrations.Machines;
using MigrateHub.Shared.Appliances;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Inventory;
using MigrateHub.Shared.Migration;
using MigrateHub.Shared.Projects;
using MigrateHub.Shared.Provisioning;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Functions.Migration;

/// <summary>
/// Migration items and their operations. Each operation is checked against the item's
/// <c>allowedOperations</c> (409 naming them when not allowed) and sent to the machine's lifecycle
/// orchestration as an external event (202).
/// </summary>
public sealed class MigrationApi(ProjectService projects, DiscoveryReader reader, ApplianceService appliances, MigrationRepository repository,
    IOptions<LifecycleOptions> lifecycleOptions, TimeProvider clock)
{
    /// <summary>Servers per batch enable (the portal's limit is 10 per action).</summary>
    public const int MaxBatch = 100;

    /// <summary>Servers of a batch checked and enabled at a time.</summary>
    public const int BatchParallelism = 16;

    /// <summary>How long enable waits for a just-started lifecycle to run before sending it the event.</summary>
    private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(30);

    private static readonly Dictionary<string, MigrationOperation> Operations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["enableReplication"] = MigrationOperation.EnableReplication,
        ["testMigrate"] = MigrationOperation.TestMigrate,
        ["testMigrateCleanup"] = MigrationOperation.TestMigrateCleanup,
        ["migrate"] = MigrationOperation.Migrate,
        ["completeMigration"] = MigrationOperation.CompleteMigration,
        ["pauseReplication"] = MigrationOperation.PauseReplication,
        ["resumeReplication"] = MigrationOperation.ResumeReplication,
        ["resync"] = MigrationOperation.Resync,
        ["disableReplication"] = MigrationOperation.DisableReplication,
    };

    /// <summary>
    /// <c>GET /api/projects/{projectName}/migrationItems</c>: every server with replication enabled at some point (the
    /// stored item rows), with the transfer progress of each cycle in flight (<see cref="MigrationItemProgress"/>).
    /// </summary>
    [Function(nameof(ListMigrationItems))]
    public async Task<IActionResult> ListMigrationItems(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/migrationItems")] HttpRequest request, string projectName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var project = await projects.FindAsync(projectName, request.HttpContext.RequestAborted);
        if (project is null)
        {
            return ApiProblems.NotFound($"Project '{projectName}' does not exist.");
        }

        var ct = request.HttpContext.RequestAborted;
        var items = await repository.ListItemsAsync(project.Region, project.ProjectId, ct);
        var now = clock.GetUtcNow();
        var statuses = items.OrderBy(i => i.ServerId, StringComparer.Ordinal)
            .Select(i => System.Text.Json.JsonSerializer.Deserialize<MachineLifecycleStatus>(i.StatusJson, RequestBody.Json)?.WithFreeUsageAt(now, lifecycleOptions.Value.FreeDays))
            .ToList();

        // Transfer progress of the cycles in flight: one query over the project's work items, not a read per server.
        var progress = statuses.Any(s => s?.CurrentCycle is not null)
            ? await repository.ProjectProgressAsync(project.Region, project.ProjectId, ct)
            : null;
        var value = statuses
            .Select(s => s is null || progress is null || MigrationItemProgress.KeyOf(project.ProjectId, s) is not { } key
                ? s
                : MigrationItemProgress.Apply(s, progress.GetValueOrDefault(key)))
            .ToList();
        return new OkObjectResult(new { value });
    }

    /// <summary>
    /// <c>GET /api/projects/{projectName}/migrationItems/{serverId}</c>: the lifecycle's current status, with the transfer
    /// progress of its cycle in flight (<see cref="MigrationItemProgress"/>).
    /// </summary>
    [Function(nameof(GetMigrationItem))]
    public async Task<IActionResult> GetMigrationItem(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/migrationItems/{serverId}")] HttpRequest request,
        [DurableClient] DurableTaskClient durable, string projectName, string serverId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var project = await projects.FindAsync(projectName, request.HttpContext.RequestAborted);
        if (project is null)
        {
            return ApiProblems.NotFound($"Project '{projectName}' does not exist.");
        }

        var ct = request.HttpContext.RequestAborted;
        var (_, status) = await OutageAsync(project.Region, () => LoadAsync(durable, project.ProjectId, serverId, ct));
        if (status is null)
        {
            return ApiProblems.NotFound($"Server '{serverId}' has no lifecycle in project '{projectName}'.");
        }

        // The cycle in flight's stored transfer progress: one point read, only while a cycle is in flight.
        if (MigrationItemProgress.KeyOf(project.ProjectId, status) is { } key)
        {
            var progress = await OutageAsync(project.Region, () => repository.GetProgressAsync(project.Region, project.ProjectId, status.ApplianceId!, key.WorkItemId, ct));
            status = MigrationItemProgress.Apply(status, progress);
        }

        return new OkObjectResult(status.WithFreeUsageAt(clock.GetUtcNow(), lifecycleOptions.Value.FreeDays));
    }

    /// <summary><c>POST /api/projects/{projectName}/migrationItems</c>: enable replication of a batch of servers with the same target settings.</summary>
    [Function(nameof(EnableReplicationBatch))]
    public async Task<IActionResult> EnableReplicationBatch(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "projects/{projectName}/migrationItems")] HttpRequest request,
        [DurableClient] DurableTaskClient durable, FunctionContext context, string projectName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ct = request.HttpContext.RequestAborted;
        var (body, error) = await RequestBody.ReadAsync<EnableReplicationBody>(request, ct);
        if (error is not null)
        {
            return error;
        }

        if (body!.Servers is not { Count: > 0 } servers || servers.Count > MaxBatch || servers.Distinct(StringComparer.Ordinal).Count() != servers.Count)
        {
            return ApiProblems.Validation("Invalid batch.", $"Name 1 to {MaxBatch} distinct servers.",
                new Dictionary<string, string[]> { ["servers"] = [$"Give 1 to {MaxBatch} distinct server ids."] });
        }

        var project = await projects.FindAsync(projectName, ct);
        if (project is null)
        {
            return ApiProblems.NotFound($"Project '{projectName}' does not exist.");
        }

        // Check every server first: a batch is accepted whole or not at all. Servers are checked, and then enabled,
        // several at a time (each takes a few storage calls); the answer keeps the batch's order.
        var checks = new ((ServerView Server, ReplicationSettings Settings)? Item, IActionResult? Refusal)[servers.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, servers.Count), new ParallelOptions { MaxDegreeOfParallelism = BatchParallelism, CancellationToken = ct },
            async (i, c) => checks[i] = await PrepareEnableAsync(durable, project, servers[i], body, c));
        if (checks.FirstOrDefault(c => c.Refusal is not null).Refusal is { } refusal)
        {
            return refusal;
        }

        var instanceIds = new string[servers.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, servers.Count), new ParallelOptions { MaxDegreeOfParallelism = BatchParallelism, CancellationToken = ct },
            async (i, c) =>
            {
                var (server, settings) = checks[i].Item!.Value;
                instanceIds[i] = await EnsureLifecycleAsync(durable, project.ProjectId, server, c);
                await durable.RaiseEventAsync(instanceIds[i], MachineLifecycleOrchestrator.EventName,
                    new MachineEvent(MachineEventNames.Operation) { Operation = MigrationOperation.EnableReplication, Settings = settings }, c);
            });
        var accepted = new List<object>();
        for (var i = 0; i < servers.Count; i++)
        {
            accepted.Add(new { serverId = servers[i], operation = "enableReplication", status = await DurableHttpLinks.CreateAsync(durable, context, instanceIds[i]) });
        }

        return new ObjectResult(new { value = accepted }) { StatusCode = StatusCodes.Status202Accepted };
    }

    /// <summary>
    /// <c>POST /api/projects/{projectName}/migrationItems/{serverId}/{operation}</c> with operation one of enableReplication,
    /// testMigrate, testMigrateCleanup, migrate (<see cref="MigrateBody"/>), completeMigration, pauseReplication,
    /// resumeReplication, resync, disableReplication. 202, or 409 naming <c>allowedOperations</c>.
    /// </summary>
    [Function(nameof(MigrationItemOperation))]
    public async Task<IActionResult> MigrationItemOperation(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "projects/{projectName}/migrationItems/{serverId}/{operation}")] HttpRequest request,
        [DurableClient] DurableTaskClient durable, FunctionContext context, string projectName, string serverId, string operation)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ct = request.HttpContext.RequestAborted;
        if (!Operations.TryGetValue(operation, out var op))
        {
            return ApiProblems.NotFound($"Unknown operation '{operation}': use {string.Join(", ", Operations.Keys)}.");
        }

        var project = await projects.FindAsync(projectName, ct);
        if (project is null)
        {
            return ApiProblems.NotFound($"Project '{projectName}' does not exist.");
        }

        MachineEvent evt;
        string instanceId;
        if (op == MigrationOperation.EnableReplication)
        {
            var (body, error) = await RequestBody.ReadAsync<EnableReplicationBody>(request, ct);
            if (error is not null)
            {
                return error;
            }

            var (item, refusal) = await PrepareEnableAsync(durable, project, serverId, body!, ct);
            if (refusal is not null)
            {
                return refusal;
            }

            instanceId = await EnsureLifecycleAsync(durable, project.ProjectId, item!.Value.Server, ct);
            evt = new MachineEvent(MachineEventNames.Operation) { Operation = op, Settings = item.Value.Settings };
        }
        else
        {
            var (metadata, status) = await OutageAsync(project.Region, () => LoadAsync(durable, project.ProjectId, serverId, ct));
            if (status is null)
            {
                return ApiProblems.NotFound($"Server '{serverId}' has no lifecycle in project '{projectName}'.");
            }

            var migrate = new MigrateBody();
            if (op == MigrationOperation.Migrate && (request.ContentLength is > 0 || !string.IsNullOrEmpty(request.ContentType)))
            {
                var (body, error) = await RequestBody.ReadAsync<MigrateBody>(request, ct);
                if (error is not null)
                {
                    return error;
                }

                migrate = body!;
            }

            if (!(op == MigrationOperation.Migrate && migrate.CancelSchedule && status.ScheduledCutoverAt is not null))
            {
                var decision = MigrationStateMachine.Decide(StateOf(status), op);
                if (!decision.Allowed)
                {
                    return NotAllowed(status, decision);
                }
            }

            instanceId = metadata!.InstanceId;
            evt = new MachineEvent(MachineEventNames.Operation)
            {
                Operation = op,
                PerformShutdown = migrate.PerformShutdown,
                ScheduledAt = migrate.ScheduledAt?.UtcDateTime,
                CancelSchedule = migrate.CancelSchedule,
            };
        }

        await OutageAsync(project.Region, async () =>
        {
            await durable.RaiseEventAsync(instanceId, MachineLifecycleOrchestrator.EventName, evt, ct);
            return true;
        });
        return new ObjectResult(new { serverId, operation, status = await DurableHttpLinks.CreateAsync(durable, context, instanceId) })
        {
            StatusCode = StatusCodes.Status202Accepted,
        };
    }

    /// <summary>The migration-facing state in a lifecycle's status.</summary>
    public static MigrationItemState StateOf(MachineLifecycleStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new MigrationItemState(status.MigrationState, status.TestMigrateState, status.Health, status.InitialReplicationCompleted,
            Migrated: status.State is MachineStates.Migrated or MachineStates.Completed, Completed: status.State == MachineStates.Completed,
            Queued: status.ReplicationQueuePosition is not null);
    }

    /// <summary>A durable-store call; a storage failure of the region becomes <see cref="RegionUnavailableException"/> (503).</summary>
    private static async Task<T> OutageAsync<T>(string region, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw new RegionUnavailableException(region, ex);
        }
    }

    private static bool IsStorageFailure(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is Azure.RequestFailedException or HttpRequestException or System.Net.Sockets.SocketException or TimeoutException
                || ex.GetType().Name == "DurableTaskStorageException")
            {
                return true;
            }
        }

        return false;
    }

    private static ObjectResult NotAllowed(MachineLifecycleStatus status, OperationDecision decision) =>
        ApiProblems.Problem(StatusCodes.Status409Conflict, "Operation not allowed.", decision.Reason!, new Dictionary<string, object?>
        {
            ["migrationState"] = status.MigrationState,
            ["testMigrateState"] = status.TestMigrateState,
            ["allowedOperations"] = decision.AllowedOperations,
        });

    private static async Task<(OrchestrationMetadata? Metadata, MachineLifecycleStatus? Status)> LoadAsync(
        DurableTaskClient durable, string projectId, string serverId, CancellationToken ct)
    {
        var metadata = await durable.GetInstanceAsync(MachineLifecycleOrchestrator.InstanceId(projectId, serverId), getInputsAndOutputs: false, ct);
        if (metadata is null || metadata.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
        {
            return (metadata, null);
        }

        var status = metadata.SerializedCustomStatus is null ? null : metadata.ReadCustomStatusAs<MachineLifecycleStatus>();
        return (metadata, status ?? new MachineLifecycleStatus(MachineStates.Discovered, serverId, serverId, DateTime.MinValue) { ProjectId = projectId });
    }

    private static async Task<string> EnsureLifecycleAsync(DurableTaskClient durable, string projectId, ServerView server, CancellationToken ct)
    {
        var instanceId = MachineLifecycleOrchestrator.InstanceId(projectId, server.Server.Id);
        var existing = await durable.GetInstanceAsync(instanceId, ct);
        if (existing is null || existing.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
        {
            await durable.ScheduleNewOrchestrationInstanceAsync(nameof(MachineLifecycleOrchestrator),
                new MachineLifecycleRequest(projectId, server.Server.Id, server.Server.Name, MachineStates.Discovered),
                new Microsoft.DurableTask.StartOrchestrationOptions(instanceId), ct);
            existing = null;
        }

        if (existing is null || existing.RuntimeStatus == OrchestrationRuntimeStatus.Pending)
        {
            // An event raised before the instance's start is processed can be discarded by the Azure Storage backend
            // ("No such instance"), losing the enable: wait until the lifecycle runs (a lifecycle ingestion just started too).
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(StartWait);
            try
            {
                await durable.WaitForInstanceStartAsync(instanceId, wait.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // Still pending after the wait: raise anyway (the usual case is a running lifecycle).
            }
        }

        return instanceId;
    }

    private async Task<((ServerView Server, ReplicationSettings Settings)? Item, IActionResult? Refusal)> PrepareEnableAsync(
        DurableTaskClient durable, DirectoryEntry project, string serverId, EnableReplicationBody body, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        void Require(string? value, string field)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors[field] = [$"'{field}' is required."];
            }
        }

        Require(body.SubscriptionId, "subscriptionId");
        Require(body.ResourceGroup, "resourceGroup");
        Require(body.TargetRegion, "targetRegion");
        Require(body.VmSize, "vmSize");
        if (body.Network is null || string.IsNullOrWhiteSpace(body.Network.VirtualNetworkId) || string.IsNullOrWhiteSpace(body.Network.SubnetName))
        {
            errors["network"] = ["'network' with 'virtualNetworkId' and 'subnetName' is required (the migrated VM's network)."];
        }

        if (body.CadenceSeconds is <= 0 || body.ProjectCadenceSeconds is <= 0)
        {
            errors["cadenceSeconds"] = ["A cadence override is a positive number of seconds."];
        }

        foreach (var w in body.BlackoutWindows ?? [])
        {
            if (w.Validate() is { } problem)
            {
                errors["blackoutWindows"] = [problem];
            }
        }

        if (errors.Count > 0)
        {
            return (null, ApiProblems.Validation("Invalid target settings.", "Fix the fields listed in 'errors'.", errors));
        }

        var server = await reader.GetServerAsync(project.Region, project.ProjectId, serverId, ct);
        if (server is null)
        {
            return (null, ApiProblems.NotFound($"Server '{serverId}' was not discovered in project '{project.Name}'."));
        }

        var source = MigrationEligibility.IsAvsHost(server.Server.Host) || MigrationEligibility.IsAvsHost(server.Server.Cluster)
            ? MigrationPlatforms.AzureVmwareSolution
            : body.SourcePlatform;
        if (MigrationEligibility.RefusalReason(source, body.TargetPlatform) is { } reason)
        {
            return (null, ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "Migration not supported.", $"Server '{serverId}': {reason}",
                new Dictionary<string, object?> { ["sourcePlatform"] = source, ["targetPlatform"] = body.TargetPlatform ?? MigrationPlatforms.Azure }));
        }

        // Discovery records the appliance by name; work items are keyed by the appliance's id.
        string? applianceId = server.ApplianceId;
        var applianceName = body.ApplianceName ?? server.ApplianceId;
        if (applianceName is not null)
        {
            if (await appliances.GetAsync(project.Name, applianceName, ct) is ApplianceOutcome.Done done)
            {
                applianceId = done.Appliance.Id;
            }
            else if (body.ApplianceName is not null)
            {
                return (null, ApiProblems.NotFound($"Appliance '{applianceName}' does not exist in project '{project.Name}'."));
            }
        }

        if (applianceId is null)
        {
            return (null, ApiProblems.Validation("No appliance.", $"Server '{serverId}' was imported, not discovered by an appliance: name the appliance that replicates it.",
                new Dictionary<string, string[]> { ["applianceName"] = ["Required for imported servers."] }));
        }

        var (_, status) = await OutageAsync(project.Region, () => LoadAsync(durable, project.ProjectId, serverId, ct));
        if (status is not null)
        {
            var decision = MigrationStateMachine.Decide(StateOf(status), MigrationOperation.EnableReplication);
            if (!decision.Allowed)
            {
                return (null, NotAllowed(status, decision));
            }
        }

        var s = server.Server;
        var disks = s.Disks.Select((d, i) => new MachineDisk
        {
            DiskId = d.Id,
            IsOsDisk = i == 0,
            Lun = Math.Max(0, i - 1),
            SizeGb = Math.Max(1, (int)Math.Ceiling(d.SizeGb)),
        }).ToList();
        if (disks.Count == 0)
        {
            disks.Add(new MachineDisk { DiskId = "os", IsOsDisk = true, SizeGb = 32 });
        }

        var target = new TargetSettings
        {
            MachineId = s.Id,
            VmName = body.Servers is null && !string.IsNullOrWhiteSpace(body.VmName) ? body.VmName : VmNameFor(s.Name),
            SubscriptionId = body.SubscriptionId!,
            ResourceGroup = body.ResourceGroup!,
            Region = body.TargetRegion!,
            VmSize = body.VmSize!,
            Network = body.Network,
            Firmware = s.BootType == BootType.Uefi ? FirmwareType.Uefi : FirmwareType.Bios,
            OsType = string.Equals(server.OsFamily, "Linux", StringComparison.OrdinalIgnoreCase) ? TargetOsType.Linux : TargetOsType.Windows,
            OsDiskType = body.OsDiskType ?? "Premium_LRS",
            DataDiskType = body.DataDiskType ?? "Premium_LRS",
            LicenseType = body.LicenseType,
        };
        var settings = new ReplicationSettings
        {
            Region = project.Region,
            ApplianceId = applianceId,
            Target = target,
            Disks = new MachineDisks(disks),
            Path = ReplicationPaths.For(s.SourceType.ToString()),
            ServerCadence = body.CadenceSeconds is { } c ? TimeSpan.FromSeconds(c) : null,
            ProjectCadence = body.ProjectCadenceSeconds is { } p ? TimeSpan.FromSeconds(p) : null,
            Blackouts = body.BlackoutWindows ?? [],
            Options = lifecycleOptions.Value,
        };
        return ((server, settings), null);
    }

    /// <summary>An Azure VM name from a server name (letters, digits, hyphens; at most 64).</summary>
    public static string VmNameFor(string serverName)
    {
        ArgumentNullException.ThrowIfNull(serverName);
        var chars = serverName.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-' ? ch : '-').ToArray();
        var name = new string(chars).Trim('-');
        if (name.Length == 0)
        {
            name = "vm";
        }

        return name.Length > 58 ? name[..58] : name;
    }
}
