using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using Azure.ResourceManager.Resources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MigrateHub.Shared.Provisioning;

/// <summary>
/// Creates the Azure side of a migration with the real <see cref="ArmClient"/>: seed disks, test migrations in an
/// isolated network, cutover VMs, and their cleanup. Compute resources go through Azure.ResourceManager.Compute,
/// networks and NICs through generic resources (api-version pinned by <see cref="ArmClientFactory"/>).
/// Throttling and transient failures are retried by the client's Azure.Core retry policy.
/// </summary>
public sealed partial class TargetProvisioningClient : ITargetProvisioningClient
{
    private static readonly ResourceType VirtualMachineType = new("Microsoft.Compute/virtualMachines");
    private static readonly ResourceType DiskType = new("Microsoft.Compute/disks");

    private readonly ArmClient _arm;
    private readonly ILogger _logger;

    /// <summary>Creates the client over an <see cref="ArmClient"/> (see <see cref="ArmClientFactory"/>).</summary>
    public TargetProvisioningClient(ArmClient arm, ILogger<TargetProvisioningClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(arm);
        _arm = arm;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <inheritdoc />
    public async Task<MachineDisks> CreateSeedDisksAsync(TargetSettings target, MachineDisks sourceDisks, CancellationToken cancellationToken)
    {
        ValidateTarget(target);
        ValidateDisks(sourceDisks, requireSeeds: false);
        var tracker = new Tracker();
        return await WithRollbackAsync(tracker, "Creating seed disks", async () =>
        {
            await EnsureResourceGroupExistsAsync(target, cancellationToken);
            var disks = await Task.WhenAll(sourceDisks.Disks.Select(async disk =>
            {
                var creation = (disk.ImportSourceUri, disk.CopySourceResourceId) switch
                {
                    ({ } uri, _) => new DiskCreationData(DiskCreateOption.Import)
                    {
                        SourceUri = new Uri(uri),
                        StorageAccountId = disk.ImportStorageAccountId is { } account ? new ResourceIdentifier(account) : null,
                    },
                    (null, { } source) => new DiskCreationData(DiskCreateOption.Copy) { SourceResourceId = new ResourceIdentifier(source) },
                    _ => new DiskCreationData(DiskCreateOption.Empty),
                };
                var id = DiskId(target, ProvisioningNames.SeedDisk(target, disk));
                var created = await EnsureDiskAsync(tracker, id, () => DiskData(target, disk, creation, ProvisioningNames.SeedPurpose, zonal: false), cancellationToken);
                return disk with { SeedDiskResourceId = created.Id.ToString() };
            }));
            return new MachineDisks(disks);
        });
    }

    /// <inheritdoc />
    public async Task<ProvisionedResources> CreateTestMigrationAsync(TargetSettings target, MachineDisks replicatedDisks, CancellationToken cancellationToken)
    {
        ValidateTarget(target);
        ValidateDisks(replicatedDisks, requireSeeds: true);
        var tracker = new Tracker();
        return await WithRollbackAsync(tracker, $"Test migration of '{target.VmName}'", async () =>
        {
            await EnsureResourceGroupExistsAsync(target, cancellationToken);
            var vnetId = new ResourceIdentifier($"{GroupId(target)}/providers/Microsoft.Network/virtualNetworks/{ProvisioningNames.TestVirtualNetwork(target)}");
            await EnsureGenericAsync(tracker, vnetId, () => TestNetworkData(target), "Creating the isolated test network", cancellationToken);
            var subnetId = $"{vnetId}/subnets/{ProvisioningNames.TestSubnetName}";
            var nicId = new ResourceIdentifier($"{GroupId(target)}/providers/Microsoft.Network/networkInterfaces/{ProvisioningNames.TestNic(target)}");
            await EnsureGenericAsync(tracker, nicId, () => NicData(target, subnetId, privateIp: null, ProvisioningNames.TestPurpose), "Creating the test network interface", cancellationToken);
            return await CreateVmWithDisksAsync(tracker, target, replicatedDisks, ProvisioningNames.TestVm(target),
                disk => ProvisioningNames.TestDisk(target, disk), nicId, vnetId.ToString(), ProvisioningNames.TestPurpose, cancellationToken);
        });
    }

    /// <inheritdoc />
    public async Task<CleanupResult> CleanupTestMigrationAsync(TargetSettings target, CancellationToken cancellationToken)
    {
        ValidateTarget(target);
        var deleted = new List<string>();
        var group = GroupId(target);
        async Task Delete(ResourceIdentifier id)
        {
            if (await DeleteIfExistsAsync(id, cancellationToken))
            {
                deleted.Add(id.ToString());
            }
        }

        await Delete(new ResourceIdentifier($"{group}/providers/Microsoft.Compute/virtualMachines/{ProvisioningNames.TestVm(target)}"));
        await Delete(new ResourceIdentifier($"{group}/providers/Microsoft.Network/networkInterfaces/{ProvisioningNames.TestNic(target)}"));
        foreach (var diskId in await FindDisksAsync(target, ProvisioningNames.TestPurpose, cancellationToken))
        {
            await Delete(diskId);
        }

        await Delete(new ResourceIdentifier($"{group}/providers/Microsoft.Network/virtualNetworks/{ProvisioningNames.TestVirtualNetwork(target)}"));
        LogCleanedUp(_logger, target.VmName, deleted.Count);
        return new CleanupResult(deleted);
    }

    /// <inheritdoc />
    public async Task<ProvisionedResources> CreateCutoverAsync(TargetSettings target, MachineDisks replicatedDisks, CancellationToken cancellationToken)
    {
        ValidateTarget(target);
        ValidateDisks(replicatedDisks, requireSeeds: true);
        var network = target.Network ?? throw InvalidInput("The target network (virtual network and subnet) is required for a cutover.");
        var tracker = new Tracker();
        return await WithRollbackAsync(tracker, $"Migration of '{target.VmName}'", async () =>
        {
            await EnsureResourceGroupExistsAsync(target, cancellationToken);
            var subnetId = $"{network.VirtualNetworkId.TrimEnd('/')}/subnets/{network.SubnetName}";
            var nicId = new ResourceIdentifier($"{GroupId(target)}/providers/Microsoft.Network/networkInterfaces/{ProvisioningNames.Nic(target)}");
            await EnsureGenericAsync(tracker, nicId, () => NicData(target, subnetId, network.PrivateIpAddress, ProvisioningNames.MigrationPurpose), "Creating the network interface", cancellationToken);
            return await CreateVmWithDisksAsync(tracker, target, replicatedDisks, ProvisioningNames.Vm(target),
                disk => ProvisioningNames.Disk(target, disk), nicId, network.VirtualNetworkId, ProvisioningNames.MigrationPurpose, cancellationToken);
        });
    }

    /// <inheritdoc />
    public async Task<CleanupResult> DeleteSeedDisksAsync(TargetSettings target, MachineDisks seedDisks, CancellationToken cancellationToken)
    {
        ValidateTarget(target);
        ArgumentNullException.ThrowIfNull(seedDisks);
        var deleted = new List<string>();
        foreach (var disk in seedDisks.Disks)
        {
            var id = disk.SeedDiskResourceId is { } seed ? new ResourceIdentifier(seed) : DiskId(target, ProvisioningNames.SeedDisk(target, disk));
            if (await DeleteIfExistsAsync(id, cancellationToken))
            {
                deleted.Add(id.ToString());
            }
        }

        LogSeedDisksDeleted(_logger, target.VmName, deleted.Count);
        return new CleanupResult(deleted);
    }

    // ---- creation ---------------------------------------------------------------------------

    private async Task<ProvisionedResources> CreateVmWithDisksAsync(Tracker tracker, TargetSettings target, MachineDisks replicatedDisks, string vmName,
        Func<MachineDisk, string> diskName, ResourceIdentifier nicId, string? vnetId, string purpose, CancellationToken cancellationToken)
    {
        var ordered = replicatedDisks.Disks.OrderBy(d => d.IsOsDisk ? -1 : d.Lun).ToList();
        var disks = await Task.WhenAll(ordered.Select(disk =>
        {
            var creation = new DiskCreationData(DiskCreateOption.Copy) { SourceResourceId = new ResourceIdentifier(disk.SeedDiskResourceId!) };
            return EnsureDiskAsync(tracker, DiskId(target, diskName(disk)), () => DiskData(target, disk, creation, purpose, zonal: true), cancellationToken);
        }));

        var osDisk = disks[0];
        var vmId = new ResourceIdentifier($"{GroupId(target)}/providers/Microsoft.Compute/virtualMachines/{vmName}");
        var vm = await TryGetAsync(() => _arm.GetVirtualMachineResource(vmId).GetAsync(cancellationToken: cancellationToken), vmId, "Reading the virtual machine", cancellationToken);
        if (vm is not null && !IsFailed(vm.Data.ProvisioningState))
        {
            tracker.Reuse(vmId);
        }
        else
        {
            var data = new VirtualMachineData(new AzureLocation(target.Region))
            {
                HardwareProfile = new VirtualMachineHardwareProfile { VmSize = new VirtualMachineSizeType(target.VmSize) },
                StorageProfile = new VirtualMachineStorageProfile
                {
                    OSDisk = new VirtualMachineOSDisk(DiskCreateOptionType.Attach)
                    {
                        OSType = OsType(target),
                        ManagedDisk = new VirtualMachineManagedDisk { Id = osDisk.Id },
                    },
                },
                NetworkProfile = new VirtualMachineNetworkProfile(),
                LicenseType = target.LicenseType,
            };
            for (var i = 1; i < ordered.Count; i++)
            {
                data.StorageProfile.DataDisks.Add(new VirtualMachineDataDisk(ordered[i].Lun, DiskCreateOptionType.Attach)
                {
                    ManagedDisk = new VirtualMachineManagedDisk { Id = disks[i].Id },
                });
            }

            data.NetworkProfile.NetworkInterfaces.Add(new VirtualMachineNetworkInterfaceReference { Id = nicId, Primary = true });
            if (target.AvailabilityZone is { } zone)
            {
                data.Zones.Add(zone);
            }

            AddTags(data.Tags, target, purpose);
            (vm is null ? (Action<ResourceIdentifier>)tracker.Create : tracker.Reuse)(vmId);
            var group = _arm.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(target.SubscriptionId, target.ResourceGroup));
            await CallAsync(() => group.GetVirtualMachines().CreateOrUpdateAsync(WaitUntil.Completed, vmName, data, cancellationToken), vmId, "Creating the virtual machine");
            LogCreated(_logger, "virtual machine", vmId.ToString());
        }

        return new ProvisionedResources(
            vmId.ToString(),
            vmName,
            osDisk.Data.HyperVGeneration?.ToString() ?? "V1",
            [.. disks.Select(d => d.Id.ToString())],
            [nicId.ToString()],
            vnetId,
            tracker.CreatedIds,
            tracker.ReusedIds);
    }

    private async Task<ManagedDiskResource> EnsureDiskAsync(Tracker tracker, ResourceIdentifier id, Func<ManagedDiskData> data, CancellationToken cancellationToken)
    {
        var existing = await TryGetAsync(() => _arm.GetManagedDiskResource(id).GetAsync(cancellationToken), id, "Reading disk", cancellationToken);
        if (existing is not null && !IsFailed(existing.Data.ProvisioningState))
        {
            tracker.Reuse(id);
            return existing;
        }

        // Absent, or left "Failed" by an earlier attempt: PUT (again).
        (existing is null ? (Action<ResourceIdentifier>)tracker.Create : tracker.Reuse)(id);
        var group = _arm.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(id.SubscriptionId!, id.ResourceGroupName!));
        var operation = await CallAsync(() => group.GetManagedDisks().CreateOrUpdateAsync(WaitUntil.Completed, id.Name, data(), cancellationToken), id, "Creating disk");
        LogCreated(_logger, "disk", id.ToString());
        return operation.Value;
    }

    private async Task EnsureGenericAsync(Tracker tracker, ResourceIdentifier id, Func<GenericResourceData> data, string operation, CancellationToken cancellationToken)
    {
        var existing = await TryGetAsync(() => _arm.GetGenericResource(id).GetAsync(cancellationToken), id, operation, cancellationToken);
        if (existing is not null && !IsFailed(GenericProvisioningState(existing.Data)))
        {
            tracker.Reuse(id);
            return;
        }

        (existing is null ? (Action<ResourceIdentifier>)tracker.Create : tracker.Reuse)(id);
        await CallAsync(() => _arm.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Completed, id, data(), cancellationToken), id, operation);
        LogCreated(_logger, id.ResourceType.Type, id.ToString());
    }

    private async Task EnsureResourceGroupExistsAsync(TargetSettings target, CancellationToken cancellationToken)
    {
        var id = ResourceGroupResource.CreateResourceIdentifier(target.SubscriptionId, target.ResourceGroup);
        var group = await TryGetAsync(() => _arm.GetResourceGroupResource(id).GetAsync(cancellationToken), id, "Reading the target resource group", cancellationToken);
        if (group is null)
        {
            throw new ProvisioningException(ProvisioningFailureKind.NotFound, "ResourceGroupNotFound",
                $"Resource group '{target.ResourceGroup}' could not be found in subscription '{target.SubscriptionId}'.", 404, id.ToString(), "Reading the target resource group");
        }
    }

    // ---- deletion ---------------------------------------------------------------------------

    /// <summary>Deletes a resource if it exists; true when it existed. Gone already (or its resource group) is success.</summary>
    private async Task<bool> DeleteIfExistsAsync(ResourceIdentifier id, CancellationToken cancellationToken)
    {
        if (id.ResourceType == VirtualMachineType)
        {
            var vm = await TryGetAsync(() => _arm.GetVirtualMachineResource(id).GetAsync(cancellationToken: cancellationToken), id, "Reading the virtual machine", cancellationToken);
            if (vm is null)
            {
                return false;
            }

            await IgnoreNotFoundAsync(() => vm.DeleteAsync(WaitUntil.Completed, cancellationToken: cancellationToken), id, "Deleting the virtual machine");
        }
        else if (id.ResourceType == DiskType)
        {
            var disk = await TryGetAsync(() => _arm.GetManagedDiskResource(id).GetAsync(cancellationToken), id, "Reading disk", cancellationToken);
            if (disk is null)
            {
                return false;
            }

            await IgnoreNotFoundAsync(() => disk.DeleteAsync(WaitUntil.Completed, cancellationToken), id, "Deleting disk");
        }
        else
        {
            var resource = await TryGetAsync(() => _arm.GetGenericResource(id).GetAsync(cancellationToken), id, "Reading " + id.ResourceType.Type, cancellationToken);
            if (resource is null)
            {
                return false;
            }

            await IgnoreNotFoundAsync(() => resource.DeleteAsync(WaitUntil.Completed, cancellationToken), id, "Deleting " + id.ResourceType.Type);
        }

        LogDeleted(_logger, id.ToString());
        return true;
    }

    private async Task<IReadOnlyList<ResourceIdentifier>> FindDisksAsync(TargetSettings target, string purpose, CancellationToken cancellationToken)
    {
        var found = new List<ResourceIdentifier>();
        var group = _arm.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(target.SubscriptionId, target.ResourceGroup));
        try
        {
            await foreach (var disk in group.GetManagedDisks().GetAllAsync(cancellationToken))
            {
                if (disk.Data.Tags.TryGetValue(ProvisioningNames.MachineTag, out var machine) && machine == target.MachineId &&
                    disk.Data.Tags.TryGetValue(ProvisioningNames.PurposeTag, out var tagged) && tagged == purpose)
                {
                    found.Add(disk.Id);
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The resource group is gone: nothing left to find.
        }
        catch (RequestFailedException e)
        {
            throw Translate(e, group.Id.ToString(), "Listing disks");
        }

        return found;
    }

    private async Task<T> WithRollbackAsync<T>(Tracker tracker, string operation, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (tracker.CreatedIds.Count > 0)
        {
            var leftovers = new List<string>();
            foreach (var id in tracker.CreatedIdentifiers.Reverse())
            {
                try
                {
                    await DeleteIfExistsAsync(id, CancellationToken.None);
                }
                catch (ProvisioningException rollbackError)
                {
                    leftovers.Add(id.ToString());
                    LogRollbackFailed(_logger, rollbackError, id.ToString());
                }
            }

            LogRolledBack(_logger, e, operation, tracker.CreatedIds.Count - leftovers.Count);
            if (e is ProvisioningException failure)
            {
                throw new ProvisioningException(failure.Kind, failure.ErrorCode, failure.ArmMessage, failure.Status, failure.ResourceId,
                    $"{operation}: {FirstClause(failure.Message)}", failure)
                {
                    LeftoverResourceIds = leftovers,
                };
            }

            throw;
        }
    }

    private static string FirstClause(string message)
    {
        var index = message.IndexOf(" failed:", StringComparison.Ordinal);
        return index < 0 ? message : message[..index];
    }

    // ---- ARM call helpers ---------------------------------------------------------------------

    private static bool IsFailed(string? provisioningState) => string.Equals(provisioningState, "Failed", StringComparison.OrdinalIgnoreCase);

    private static string? GenericProvisioningState(GenericResourceData data)
    {
        if (data.Properties is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(data.Properties.ToString())?["provisioningState"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<T> CallAsync<T>(Func<Task<T>> call, ResourceIdentifier id, string operation)
    {
        try
        {
            return await call();
        }
        catch (RequestFailedException e)
        {
            throw Translate(e, id.ToString(), operation);
        }
    }

    private static async Task<T?> TryGetAsync<T>(Func<Task<Response<T>>> get, ResourceIdentifier id, string operation, CancellationToken cancellationToken)
        where T : class
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return (await get()).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException e)
        {
            throw Translate(e, id.ToString(), operation);
        }
    }

    private static async Task IgnoreNotFoundAsync(Func<Task<ArmOperation>> delete, ResourceIdentifier id, string operation)
    {
        try
        {
            await delete();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Already gone.
        }
        catch (RequestFailedException e)
        {
            throw Translate(e, id.ToString(), operation);
        }
    }

    internal static ProvisioningException Translate(RequestFailedException e, string? resourceId, string operation)
    {
        var code = e.ErrorCode;
        var message = e.Message;
        var content = e.GetRawResponse()?.Content;
        if (content is not null)
        {
            try
            {
                if (JsonNode.Parse(content.ToString()) is JsonObject body && body["error"] is JsonObject error)
                {
                    code = error["code"]?.GetValue<string>() ?? code;
                    message = error["message"]?.GetValue<string>() ?? message;
                }
            }
            catch (JsonException)
            {
                // Not JSON: keep the SDK's message.
            }
        }

        code ??= "Unknown";
        var kind = code switch
        {
            "QuotaExceeded" => ProvisioningFailureKind.QuotaExceeded,
            "AllocationFailed" or "ZonalAllocationFailed" or "OverconstrainedAllocationRequest" or "OverconstrainedZonalAllocationRequest" or "SkuNotAvailable"
                => ProvisioningFailureKind.CapacityUnavailable,
            _ when message.Contains("quota", StringComparison.OrdinalIgnoreCase) && e.Status is 409 or 400 => ProvisioningFailureKind.QuotaExceeded,
            _ when e.Status is 429 or 408 or >= 500 => ProvisioningFailureKind.Transient,
            _ when e.Status == 404 => ProvisioningFailureKind.NotFound,
            _ when e.Status == 409 => ProvisioningFailureKind.Conflict,
            _ when e.Status == 400 => ProvisioningFailureKind.InvalidRequest,
            _ => ProvisioningFailureKind.Unknown,
        };
        return new ProvisioningException(kind, code, message, e.Status, resourceId, operation, e);
    }

    // ---- request bodies ---------------------------------------------------------------------

    private static ManagedDiskData DiskData(TargetSettings target, MachineDisk disk, DiskCreationData creation, string purpose, bool zonal)
    {
        var data = new ManagedDiskData(new AzureLocation(target.Region))
        {
            Sku = new DiskSku { Name = new DiskStorageAccountType(disk.DiskType ?? (disk.IsOsDisk ? target.OsDiskType : target.DataDiskType)) },
            DiskSizeGB = disk.SizeGb,
            CreationData = creation,
        };
        if (disk.IsOsDisk)
        {
            data.OSType = OsType(target);
            data.HyperVGeneration = target.Firmware == FirmwareType.Uefi ? HyperVGeneration.V2 : HyperVGeneration.V1;
        }

        if (zonal && target.AvailabilityZone is { } zone)
        {
            data.Zones.Add(zone);
        }

        AddTags(data.Tags, target, purpose);
        return data;
    }

    private static GenericResourceData TestNetworkData(TargetSettings target)
    {
        var properties = new JsonObject
        {
            ["addressSpace"] = new JsonObject { ["addressPrefixes"] = new JsonArray(target.TestNetworkAddressPrefix) },
            ["subnets"] = new JsonArray(new JsonObject
            {
                ["name"] = ProvisioningNames.TestSubnetName,
                ["properties"] = new JsonObject { ["addressPrefix"] = target.TestNetworkAddressPrefix },
            }),
        };
        var data = new GenericResourceData(new AzureLocation(target.Region)) { Properties = BinaryData.FromString(properties.ToJsonString()) };
        AddTags(data.Tags, target, ProvisioningNames.TestPurpose);
        return data;
    }

    private static GenericResourceData NicData(TargetSettings target, string subnetId, string? privateIp, string purpose)
    {
        var ipProperties = new JsonObject
        {
            ["subnet"] = new JsonObject { ["id"] = subnetId },
            ["privateIPAllocationMethod"] = privateIp is null ? "Dynamic" : "Static",
        };
        if (privateIp is not null)
        {
            ipProperties["privateIPAddress"] = privateIp;
        }

        var properties = new JsonObject
        {
            ["ipConfigurations"] = new JsonArray(new JsonObject { ["name"] = "ipconfig1", ["properties"] = ipProperties }),
        };
        var data = new GenericResourceData(new AzureLocation(target.Region)) { Properties = BinaryData.FromString(properties.ToJsonString()) };
        AddTags(data.Tags, target, purpose);
        return data;
    }

    private static void AddTags(IDictionary<string, string> tags, TargetSettings target, string purpose)
    {
        foreach (var (key, value) in target.Tags)
        {
            tags[key] = value;
        }

        tags[ProvisioningNames.MachineTag] = target.MachineId;
        tags[ProvisioningNames.PurposeTag] = purpose;
    }

    private static SupportedOperatingSystemType OsType(TargetSettings target) =>
        target.OsType == TargetOsType.Linux ? SupportedOperatingSystemType.Linux : SupportedOperatingSystemType.Windows;

    private static string GroupId(TargetSettings target) => $"/subscriptions/{target.SubscriptionId}/resourceGroups/{target.ResourceGroup}";

    private static ResourceIdentifier DiskId(TargetSettings target, string name) =>
        new($"{GroupId(target)}/providers/Microsoft.Compute/disks/{name}");

    // ---- validation of inputs -----------------------------------------------------------------

    private static void ValidateTarget(TargetSettings target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!Guid.TryParse(target.SubscriptionId, out _))
        {
            throw InvalidInput($"Subscription id '{target.SubscriptionId}' is not a GUID.");
        }

        if (string.IsNullOrWhiteSpace(target.ResourceGroup) || string.IsNullOrWhiteSpace(target.Region) ||
            string.IsNullOrWhiteSpace(target.VmName) || string.IsNullOrWhiteSpace(target.VmSize) || string.IsNullOrWhiteSpace(target.MachineId))
        {
            throw InvalidInput("Target settings need a machine id, VM name, resource group, region and VM size.");
        }
    }

    private static void ValidateDisks(MachineDisks disks, bool requireSeeds)
    {
        ArgumentNullException.ThrowIfNull(disks);
        if (disks.Disks.Count(d => d.IsOsDisk) != 1)
        {
            throw InvalidInput("A machine needs exactly one OS disk.");
        }

        var luns = disks.Disks.Where(d => !d.IsOsDisk).Select(d => d.Lun).ToList();
        if (luns.Distinct().Count() != luns.Count || luns.Any(l => l is < 0 or > 63))
        {
            throw InvalidInput("Data disk LUNs must be unique and between 0 and 63.");
        }

        if (requireSeeds && disks.Disks.FirstOrDefault(d => string.IsNullOrEmpty(d.SeedDiskResourceId)) is { } missing)
        {
            throw InvalidInput($"Disk '{missing.DiskId}' has no replicated seed disk (SeedDiskResourceId).");
        }
    }

    private static ProvisioningException InvalidInput(string message) =>
        new(ProvisioningFailureKind.InvalidRequest, "InvalidTargetSettings", message, 0, null, "Validating the target settings");

    // ---- logging ------------------------------------------------------------------------------

    [LoggerMessage(Level = LogLevel.Information, Message = "Created {Kind} {ResourceId}")]
    private static partial void LogCreated(ILogger logger, string kind, string resourceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {ResourceId}")]
    private static partial void LogDeleted(ILogger logger, string resourceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cleaned up the test migration of {VmName}: {Count} resources deleted")]
    private static partial void LogCleanedUp(ILogger logger, string vmName, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} seed disks of {VmName}")]
    private static partial void LogSeedDisksDeleted(ILogger logger, string vmName, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Operation} failed; rolled back {Count} resources it created")]
    private static partial void LogRolledBack(ILogger logger, Exception exception, string operation, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rollback could not delete {ResourceId}")]
    private static partial void LogRollbackFailed(ILogger logger, Exception exception, string resourceId);

    /// <summary>What one call created (to roll back) and reused.</summary>
    private sealed class Tracker
    {
        private readonly Lock _gate = new();
        private readonly List<ResourceIdentifier> _created = [];
        private readonly List<ResourceIdentifier> _reused = [];

        public IReadOnlyList<ResourceIdentifier> CreatedIdentifiers
        {
            get
            {
                lock (_gate)
                {
                    return [.. _created];
                }
            }
        }

        public IReadOnlyList<string> CreatedIds => [.. CreatedIdentifiers.Select(i => i.ToString())];

        public IReadOnlyList<string> ReusedIds
        {
            get
            {
                lock (_gate)
                {
                    return [.. _reused.Select(i => i.ToString())];
                }
            }
        }

        public void Create(ResourceIdentifier id)
        {
            lock (_gate)
            {
                _created.Add(id);
            }
        }

        public void Reuse(ResourceIdentifier id)
        {
            lock (_gate)
            {
                _reused.Add(id);
            }
        }
    }
}
