using System.Diagnostics;
using Azure;
using Azure.Core;
using MigrateHub.Shared.Provisioning;

namespace MigrateHub.LocalAzure.Arm.Tests;

/// <summary>Throttling, transient faults, quota and validation failures through the provisioning client.</summary>
public sealed class FaultTests : IAsyncLifetime
{
    private const string Group = "rg-faults";
    private ArmTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ArmTestHost.StartAsync(o => o.VcpuQuotaPerRegion["westeurope"] = 10, maxRetries: 3);
        await _host.CreateResourceGroupAsync(Group);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(TargetSettings Target, MachineDisks Seeds)> SeedAsync(string vm)
    {
        var target = ArmTestHost.Target(Group, vm);
        var seeds = await _host.Provisioning.CreateSeedDisksAsync(target, ArmTestHost.SourceDisks(), CancellationToken.None);
        _host.Arm.ClearRequests();
        return (target, seeds);
    }

    [Fact]
    public async Task Throttling429_WithRetryAfter_IsRetriedToSuccess_AfterTheServerDelay()
    {
        var (target, seeds) = await SeedAsync("thr01");
        _host.Arm.InjectFaults(ArmCallKinds.VirtualMachines, count: 1, statusCode: 429, retryAfter: TimeSpan.FromSeconds(1), method: "PUT");
        _host.Arm.InjectFaults(ArmCallKinds.NetworkInterfaces, count: 2, statusCode: 429, retryAfter: null, method: "PUT");

        var watch = Stopwatch.StartNew();
        var result = await _host.Provisioning.CreateTestMigrationAsync(target, seeds, CancellationToken.None);
        watch.Stop();

        Assert.Equal("thr01-test", result.VirtualMachineName);
        Assert.Equal(0, _host.Arm.PendingFaults);
        var vmPuts = _host.Arm.Requests().Where(r => r.Method == "PUT" && r.ResourceType == ArmCallKinds.VirtualMachines).Select(r => r.StatusCode);
        Assert.Equal([429, 201], vmPuts);
        var nicPuts = _host.Arm.Requests().Where(r => r.Method == "PUT" && r.ResourceType == ArmCallKinds.NetworkInterfaces).Select(r => r.StatusCode);
        Assert.Equal([429, 429, 201], nicPuts);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"Retry-After: 1 was not honoured ({watch.Elapsed}).");
        Assert.Single(_host.Arm.Resources(ArmCallKinds.VirtualMachines, Group));
    }

    [Fact]
    public async Task Transient500sAnd503s_OnCreatesAndPolls_AreRetriedToSuccess()
    {
        var (target, seeds) = await SeedAsync("tr01");
        _host.Arm.InjectFaults(ArmCallKinds.Disks, count: 2, statusCode: 500, method: "PUT");
        _host.Arm.InjectFaults(ArmCallKinds.OperationPoll, count: 1, statusCode: 503);
        _host.Arm.InjectFaults(ArmCallKinds.VirtualMachines, count: 1, statusCode: 500, method: "GET");

        var result = await _host.Provisioning.CreateTestMigrationAsync(target, seeds, CancellationToken.None);

        Assert.Equal(0, _host.Arm.PendingFaults);
        Assert.Equal(2, _host.Arm.Requests().Count(r => r.StatusCode == 500 && r.ResourceType == ArmCallKinds.Disks));
        Assert.Contains(_host.Arm.Requests(), r => r.StatusCode == 503 && r.ResourceType == ArmCallKinds.OperationPoll);
        Assert.Equal(2, result.DiskIds.Count);
        Assert.Equal("Succeeded", Assert.Single(_host.Arm.Resources(ArmCallKinds.VirtualMachines, Group)).ProvisioningState);
    }

    [Fact]
    public async Task PersistentServerErrors_FailAsTransient_AfterRetries_AndRollBack()
    {
        var (target, seeds) = await SeedAsync("tr02");
        _host.Arm.InjectFaults(ArmCallKinds.VirtualMachines, count: 10, statusCode: 500, method: "PUT");

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => _host.Provisioning.CreateTestMigrationAsync(target, seeds, CancellationToken.None));

        Assert.Equal(ProvisioningFailureKind.Transient, error.Kind);
        Assert.Equal(500, error.Status);
        Assert.Equal(4, _host.Arm.Requests().Count(r => r.Method == "PUT" && r.ResourceType == ArmCallKinds.VirtualMachines)); // 1 + 3 retries
        AssertOnlySeedDisksLeft(seeds);
        Assert.Empty(_host.Arm.Resources(ArmCallKinds.VirtualNetworks, Group));
    }

    [Fact]
    public async Task QuotaExceeded_FailsWithTheArmCodeAndMessage_AndLeavesNothingHalfCreated()
    {
        var (target, seeds) = await SeedAsync("big01");
        target = target with { VmSize = "Standard_D16s_v5" }; // 16 vCPUs > quota of 10

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => _host.Provisioning.CreateTestMigrationAsync(target, seeds, CancellationToken.None));

        Assert.Equal(ProvisioningFailureKind.QuotaExceeded, error.Kind);
        Assert.Equal("OperationNotAllowed", error.ErrorCode);
        Assert.Equal(409, error.Status);
        Assert.StartsWith("Operation could not be completed as it results in exceeding approved Total Regional Cores quota.", error.ArmMessage, StringComparison.Ordinal);
        Assert.Contains("Location: westeurope, Current Limit: 10, Current Usage: 0, Additional Required: 16", error.ArmMessage, StringComparison.Ordinal);
        Assert.Contains("Test migration of 'big01'", error.Message, StringComparison.Ordinal);
        Assert.Contains("quota exceeded", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("/virtualMachines/big01-test", error.ResourceId, StringComparison.Ordinal);
        Assert.Empty(error.LeftoverResourceIds);
        AssertOnlySeedDisksLeft(seeds);
        Assert.Empty(_host.Arm.Resources(ArmCallKinds.VirtualNetworks, Group));
    }

    [Fact]
    public async Task QuotaCountsExistingVms_SoASecondCutoverInTheRegionFails()
    {
        var vnet = await _host.CreateVirtualNetworkAsync(Group, "vnet-prod", "10.1.0.0/16", "apps", "10.1.1.0/24");
        var (first, firstSeeds) = await SeedAsync("q01");
        await _host.Provisioning.CreateCutoverAsync(first with { VmSize = "Standard_D8s_v5", Network = new TargetNetwork(vnet, "apps") }, firstSeeds, CancellationToken.None);
        var (second, secondSeeds) = await SeedAsync("q02");

        var error = await Assert.ThrowsAsync<ProvisioningException>(() =>
            _host.Provisioning.CreateCutoverAsync(second with { VmSize = "Standard_D4s_v5", Network = new TargetNetwork(vnet, "apps") }, secondSeeds, CancellationToken.None));

        Assert.Equal(ProvisioningFailureKind.QuotaExceeded, error.Kind);
        Assert.Contains("Current Usage: 8, Additional Required: 4, (Minimum) New Limit Required: 12", error.ArmMessage, StringComparison.Ordinal);
        Assert.Equal(["q01"], _host.Arm.Resources(ArmCallKinds.VirtualMachines, Group).Select(v => v.Name));
        Assert.Equal(["q01-nic"], _host.Arm.Resources(ArmCallKinds.NetworkInterfaces, Group).Select(v => v.Name));
    }

    [Fact]
    public async Task InvalidVmSize_FailsWithTheArmMessage_AndKeepsWhatExistedBefore()
    {
        var (target, seeds) = await SeedAsync("bad01");
        target = target with { VmSize = "Standard_Bogus_v9" };
        // The test network already exists (say, from an earlier attempt): it is reused, so rollback must keep it.
        var vnetId = await _host.CreateVirtualNetworkAsync(Group, "bad01-test-vnet", "10.200.0.0/24", "default", "10.200.0.0/24");

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => _host.Provisioning.CreateTestMigrationAsync(target, seeds, CancellationToken.None));

        Assert.Equal(ProvisioningFailureKind.InvalidRequest, error.Kind);
        Assert.Equal("InvalidParameter", error.ErrorCode);
        Assert.StartsWith("The value Standard_Bogus_v9 provided for the VM size is not valid.", error.ArmMessage, StringComparison.Ordinal);
        Assert.Equal([vnetId], _host.Arm.Resources(ArmCallKinds.VirtualNetworks, Group).Select(v => v.Id));
        Assert.Empty(_host.Arm.Resources(ArmCallKinds.NetworkInterfaces, Group));
        AssertOnlySeedDisksLeft(seeds);
    }

    [Fact]
    public async Task Gen2Machine_OnAGen1OnlySize_IsRejected_AndRolledBack()
    {
        var (target, seeds) = await SeedAsync("uefi01");

        var error = await Assert.ThrowsAsync<ProvisioningException>(() =>
            _host.Provisioning.CreateTestMigrationAsync(target with { VmSize = "Standard_A2_v2" }, seeds, CancellationToken.None));

        Assert.Equal(ProvisioningFailureKind.InvalidRequest, error.Kind);
        Assert.Contains("cannot boot Hypervisor Generation '2'", error.ArmMessage, StringComparison.Ordinal);
        AssertOnlySeedDisksLeft(seeds);
    }

    [Fact]
    public async Task MissingResourceGroup_FailsAsNotFound_WithoutCreatingAnything()
    {
        var target = ArmTestHost.Target("rg-missing", "nogroup01");
        _host.Arm.ClearRequests();

        var error = await Assert.ThrowsAsync<ProvisioningException>(() =>
            _host.Provisioning.CreateSeedDisksAsync(target, ArmTestHost.SourceDisks(), CancellationToken.None));

        Assert.Equal(ProvisioningFailureKind.NotFound, error.Kind);
        Assert.Equal("ResourceGroupNotFound", error.ErrorCode);
        Assert.Contains("rg-missing", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_host.Arm.Requests(), r => r.Method == "PUT");
    }

    [Fact]
    public async Task StillRunningOperations_ArePolledUntilDone()
    {
        _host.Arm.PollsBeforeDone = 1;
        var target = ArmTestHost.Target(Group, "slow01");
        _host.Arm.ClearRequests();

        var seeds = await _host.Provisioning.CreateSeedDisksAsync(target, new MachineDisks([new MachineDisk { DiskId = "os", IsOsDisk = true, SizeGb = 32 }]), CancellationToken.None);

        var polls = _host.Arm.Requests().Where(r => r.ResourceType == ArmCallKinds.OperationPoll).ToList();
        Assert.Equal(2, polls.Count); // "InProgress", then "Succeeded"
        var disk = Assert.Single(_host.Arm.Resources(ArmCallKinds.Disks, Group));
        Assert.Equal(seeds.Disks[0].SeedDiskResourceId, disk.Id);
        Assert.Equal("Succeeded", disk.ProvisioningState);
    }

    [Fact]
    public async Task SdkOperation_StartedWithoutWaiting_ReportsInProgressUntilPolled()
    {
        _host.Arm.PollsBeforeDone = 2;
        var group = _host.Client.GetResourceGroupResource(Azure.ResourceManager.Resources.ResourceGroupResource.CreateResourceIdentifier(ArmTestHost.SubscriptionId, Group));
        var data = new Azure.ResourceManager.Compute.ManagedDiskData(new AzureLocation(ArmTestHost.Region))
        {
            DiskSizeGB = 8,
            CreationData = new Azure.ResourceManager.Compute.Models.DiskCreationData(Azure.ResourceManager.Compute.Models.DiskCreateOption.Empty),
        };

        var operation = await Azure.ResourceManager.Compute.ComputeExtensions.GetManagedDisks(group).CreateOrUpdateAsync(WaitUntil.Started, "lro-disk", data);
        Assert.False(operation.HasCompleted);
        Assert.Equal("Creating", Assert.Single(_host.Arm.Resources(ArmCallKinds.Disks, Group)).ProvisioningState);
        await operation.UpdateStatusAsync();
        Assert.False(operation.HasCompleted);
        await operation.UpdateStatusAsync();
        Assert.False(operation.HasCompleted);
        await operation.UpdateStatusAsync();

        Assert.True(operation.HasCompleted);
        Assert.Equal("Succeeded", Assert.Single(_host.Arm.Resources(ArmCallKinds.Disks, Group)).ProvisioningState);
    }

    [Fact]
    public async Task AsynchronousAllocationFailure_IsReportedAsCapacity_AndTheFailedVmIsRolledBack()
    {
        var (target, seeds) = await SeedAsync("alloc01");
        _host.Arm.InjectOperationFailures(ArmCallKinds.VirtualMachines, 1, "AllocationFailed",
            "Allocation failed. We do not have sufficient capacity for the requested VM size in this region.", method: "PUT");

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => _host.Provisioning.CreateTestMigrationAsync(target, seeds, CancellationToken.None));

        Assert.Equal(ProvisioningFailureKind.CapacityUnavailable, error.Kind);
        Assert.Equal("AllocationFailed", error.ErrorCode);
        Assert.StartsWith("Allocation failed.", error.ArmMessage, StringComparison.Ordinal);
        Assert.Contains(_host.Arm.Requests(), r => r.Method == "DELETE" && r.ResourceType == ArmCallKinds.VirtualMachines);
        AssertOnlySeedDisksLeft(seeds);
        Assert.Empty(_host.Arm.Resources(ArmCallKinds.VirtualNetworks, Group));
    }

    [Fact]
    public async Task FailedVmLeftBehind_IsReportedAsLeftover_AndARetryRecreatesIt()
    {
        var (target, seeds) = await SeedAsync("alloc02");
        _host.Arm.InjectOperationFailures(ArmCallKinds.VirtualMachines, 1, "AllocationFailed", "Allocation failed.", method: "PUT");
        _host.Arm.InjectFaults(ArmCallKinds.VirtualMachines, count: 4, statusCode: 500, method: "DELETE"); // rollback cannot delete the VM

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => _host.Provisioning.CreateTestMigrationAsync(target, seeds, CancellationToken.None));

        // The VM holds its disks and NIC, so none of what the call created could be removed: all reported.
        Assert.Equal(5, error.LeftoverResourceIds.Count);
        var leftover = error.LeftoverResourceIds[0];
        Assert.EndsWith("/virtualMachines/alloc02-test", leftover, StringComparison.Ordinal);
        Assert.Equal("Failed", Assert.Single(_host.Arm.Resources(ArmCallKinds.VirtualMachines, Group)).ProvisioningState);

        var retried = await _host.Provisioning.CreateTestMigrationAsync(target, seeds, CancellationToken.None);

        Assert.Equal(leftover, retried.VirtualMachineId);
        Assert.Empty(retried.CreatedResourceIds);
        Assert.Equal(5, retried.ReusedResourceIds.Count);
        Assert.Equal("Succeeded", Assert.Single(_host.Arm.Resources(ArmCallKinds.VirtualMachines, Group)).ProvisioningState);
        var cleanup = await _host.Provisioning.CleanupTestMigrationAsync(target, CancellationToken.None);
        Assert.Equal(5, cleanup.DeletedResourceIds.Count);
        AssertOnlySeedDisksLeft(seeds);
    }

    private void AssertOnlySeedDisksLeft(MachineDisks seeds)
    {
        Assert.Empty(_host.Arm.Resources(ArmCallKinds.VirtualMachines, Group));
        Assert.Empty(_host.Arm.Resources(ArmCallKinds.NetworkInterfaces, Group));
        var disks = _host.Arm.Resources(ArmCallKinds.Disks, Group).Select(d => d.Id).Order(StringComparer.Ordinal);
        Assert.Equal(seeds.Disks.Select(d => d.SeedDiskResourceId!).Order(StringComparer.Ordinal), disks);
        Assert.All(_host.Arm.Resources(ArmCallKinds.Disks, Group), d => Assert.Null(d.Body()["managedBy"]));
    }
}
