using System.Text.Json.Nodes;
using Azure.ResourceManager.Compute;
using MigrateHub.Shared.Provisioning;

namespace MigrateHub.LocalAzure.Arm.Tests;

/// <summary>The target provisioning client with the real ArmClient against LocalArm.</summary>
public sealed class ProvisioningTests : IAsyncLifetime
{
    private const string Group = "rg-migration";
    private ArmTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ArmTestHost.StartAsync();
        await _host.CreateResourceGroupAsync(Group);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task CreateSeedDisks_CreatesEmptyAndImportedDisks_WithSeedIdsSet()
    {
        var target = ArmTestHost.Target(Group, "app01");
        var source = new MachineDisks(
        [
            new MachineDisk { DiskId = "os", IsOsDisk = true, SizeGb = 64 },
            new MachineDisk
            {
                DiskId = "data", Lun = 0, SizeGb = 256,
                ImportSourceUri = "https://stcache.blob.core.windows.net/replica/app01-data.vhd",
                ImportStorageAccountId = $"/subscriptions/{ArmTestHost.SubscriptionId}/resourceGroups/{Group}/providers/Microsoft.Storage/storageAccounts/stcache",
            },
        ]);

        var seeds = await _host.Provisioning.CreateSeedDisksAsync(target, source, CancellationToken.None);

        Assert.All(seeds.Disks, d => Assert.NotNull(d.SeedDiskResourceId));
        var disks = _host.Arm.Resources(ArmCallKinds.Disks, Group).ToDictionary(r => r.Name, r => r.Body());
        Assert.Equal(["app01-seed-datadisk-0", "app01-seed-osdisk"], disks.Keys.Order());
        var os = disks["app01-seed-osdisk"];
        Assert.Equal("Empty", os["properties"]!["creationData"]!["createOption"]!.GetValue<string>());
        Assert.Equal("V2", os["properties"]!["hyperVGeneration"]!.GetValue<string>());
        Assert.Equal(64, os["properties"]!["diskSizeGB"]!.GetValue<int>());
        var data = disks["app01-seed-datadisk-0"];
        Assert.Equal("Import", data["properties"]!["creationData"]!["createOption"]!.GetValue<string>());
        Assert.Equal("https://stcache.blob.core.windows.net/replica/app01-data.vhd", data["properties"]!["creationData"]!["sourceUri"]!.GetValue<string>());
        Assert.Equal("seed", data["tags"]![ProvisioningNames.PurposeTag]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateSeedDisks_FromAReplicaSnapshot_CopiesIt()
    {
        var target = ArmTestHost.Target(Group, "snap01");
        using var raw = new RawArmClient(_host.Arm);
        await raw.PutAsync(RawArmClient.Disk(Group, "source-os"), RawArmClient.DiskBody(ArmTestHost.Region, 40, "Windows", "V2"));
        var snapshotPath = $"{RawArmClient.Rg(Group)}/providers/Microsoft.Compute/snapshots/replica-os-1";
        var snapshot = await raw.PutAsync(snapshotPath, new JsonObject
        {
            ["location"] = ArmTestHost.Region,
            ["properties"] = new JsonObject { ["creationData"] = new JsonObject { ["createOption"] = "Copy", ["sourceResourceId"] = RawArmClient.Id(RawArmClient.Disk(Group, "source-os")) } },
        });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, snapshot.Status);

        var seeds = await _host.Provisioning.CreateSeedDisksAsync(target,
            new MachineDisks([new MachineDisk { DiskId = "os", IsOsDisk = true, SizeGb = 40, CopySourceResourceId = RawArmClient.Id(snapshotPath) }]), CancellationToken.None);

        var seed = _host.Arm.Resources(ArmCallKinds.Disks, Group).Single(d => d.Id == seeds.Disks[0].SeedDiskResourceId).Body();
        Assert.Equal("Copy", seed["properties"]!["creationData"]!["createOption"]!.GetValue<string>());
        Assert.EndsWith("/snapshots/replica-os-1", seed["properties"]!["creationData"]!["sourceResourceId"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestMigration_CreatesTestVmInIsolatedNetwork_AndCleanupRemovesAllOfIt()
    {
        var targetVnet = await _host.CreateVirtualNetworkAsync(Group, "vnet-prod", "10.1.0.0/16", "apps", "10.1.1.0/24");
        var target = ArmTestHost.Target(Group, "app01", targetVnet);
        var seeds = await _host.Provisioning.CreateSeedDisksAsync(target, ArmTestHost.SourceDisks(dataDisks: 2), CancellationToken.None);

        var test = await _host.Provisioning.CreateTestMigrationAsync(target, seeds, CancellationToken.None);

        Assert.Equal("app01-test", test.VirtualMachineName);
        Assert.Equal("V2", test.HyperVGeneration);
        Assert.Equal(3, test.DiskIds.Count);
        Assert.Empty(test.ReusedResourceIds);
        var vm = Assert.Single(_host.Arm.Resources(ArmCallKinds.VirtualMachines, Group));
        Assert.Equal("app01-test", vm.Name);
        Assert.Equal("Succeeded", vm.ProvisioningState);
        var vmBody = vm.Body();
        Assert.Equal("Standard_D2s_v5", vmBody["properties"]!["hardwareProfile"]!["vmSize"]!.GetValue<string>());
        Assert.Equal("app01-test-osdisk", vmBody["properties"]!["storageProfile"]!["osDisk"]!["name"]!.GetValue<string>());
        Assert.Equal([0, 1], vmBody["properties"]!["storageProfile"]!["dataDisks"]!.AsArray().Select(d => d!["lun"]!.GetValue<int>()));

        // Isolated: its own VNet, not the target network.
        var nic = Assert.Single(_host.Arm.Resources(ArmCallKinds.NetworkInterfaces, Group));
        var subnetId = nic.Body()["properties"]!["ipConfigurations"]![0]!["properties"]!["subnet"]!["id"]!.GetValue<string>();
        Assert.EndsWith("/virtualNetworks/app01-test-vnet/subnets/default", subnetId, StringComparison.Ordinal);
        Assert.Equal(test.VirtualNetworkId, subnetId[..subnetId.IndexOf("/subnets/", StringComparison.Ordinal)]);
        Assert.DoesNotContain("vnet-prod", subnetId, StringComparison.Ordinal);

        // Test disks are copies of the seed disks, seeds stay attached to nothing.
        var testDisks = _host.Arm.Resources(ArmCallKinds.Disks, Group).Where(d => d.Name.StartsWith("app01-test-", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, testDisks.Count);
        Assert.All(testDisks, d =>
        {
            var body = d.Body();
            Assert.Equal("Copy", body["properties"]!["creationData"]!["createOption"]!.GetValue<string>());
            Assert.Contains("-seed-", body["properties"]!["creationData"]!["sourceResourceId"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(vm.Id, body["managedBy"]!.GetValue<string>());
        });

        var cleanup = await _host.Provisioning.CleanupTestMigrationAsync(target, CancellationToken.None);

        Assert.Equal(6, cleanup.DeletedResourceIds.Count); // VM, NIC, 3 disks, VNet
        Assert.Empty(_host.Arm.Resources(ArmCallKinds.VirtualMachines, Group));
        Assert.Empty(_host.Arm.Resources(ArmCallKinds.NetworkInterfaces, Group));
        Assert.Equal(["vnet-prod"], _host.Arm.Resources(ArmCallKinds.VirtualNetworks, Group).Select(r => r.Name));
        Assert.Equal(seeds.Disks.Select(d => d.SeedDiskResourceId).Order(StringComparer.Ordinal),
            _host.Arm.Resources(ArmCallKinds.Disks, Group).Select(d => d.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Cutover_CreatesVmInTargetNetwork_WithBiosAsGen1_AndTargetSettings()
    {
        var targetVnet = await _host.CreateVirtualNetworkAsync(Group, "vnet-prod", "10.1.0.0/16", "apps", "10.1.1.0/24");
        var target = ArmTestHost.Target(Group, "db01", targetVnet) with
        {
            Firmware = FirmwareType.Bios,
            VmSize = "Standard_E4s_v5",
            AvailabilityZone = "2",
            LicenseType = "Windows_Server",
            OsDiskType = "StandardSSD_LRS",
            Network = new TargetNetwork(targetVnet, "apps", "10.1.1.10"),
        };
        var seeds = await _host.Provisioning.CreateSeedDisksAsync(target, ArmTestHost.SourceDisks(dataDisks: 1), CancellationToken.None);

        var result = await _host.Provisioning.CreateCutoverAsync(target, seeds, CancellationToken.None);

        Assert.Equal("db01", result.VirtualMachineName);
        Assert.Equal("V1", result.HyperVGeneration);
        var vm = _host.Client.GetVirtualMachineResource(new Azure.Core.ResourceIdentifier(result.VirtualMachineId));
        var instance = (await vm.InstanceViewAsync()).Value;
        Assert.Equal("V1", instance.HyperVGeneration?.ToString());
        Assert.Contains(instance.Statuses, s => s.Code == "PowerState/running");
        var data = (await vm.GetAsync()).Value.Data;
        Assert.Equal("Standard_E4s_v5", data.HardwareProfile.VmSize?.ToString());
        Assert.Equal("Windows_Server", data.LicenseType);
        Assert.Equal(["2"], data.Zones);
        Assert.Equal("contoso-dc1", data.Tags["project"]);
        Assert.Equal("migration", data.Tags[ProvisioningNames.PurposeTag]);

        var nic = Assert.Single(_host.Arm.Resources(ArmCallKinds.NetworkInterfaces, Group)).Body();
        var ip = nic["properties"]!["ipConfigurations"]![0]!["properties"]!;
        Assert.Equal($"{targetVnet}/subnets/apps", ip["subnet"]!["id"]!.GetValue<string>());
        Assert.Equal("10.1.1.10", ip["privateIPAddress"]!.GetValue<string>());
        var osDisk = _host.Arm.Resources(ArmCallKinds.Disks, Group).Single(d => d.Name == "db01-osdisk").Body();
        Assert.Equal("StandardSSD_LRS", osDisk["sku"]!["name"]!.GetValue<string>());
        Assert.Equal("2", osDisk["zones"]![0]!.GetValue<string>());
        Assert.Equal("V1", osDisk["properties"]!["hyperVGeneration"]!.GetValue<string>());
        Assert.Equal(["vnet-prod"], _host.Arm.Resources(ArmCallKinds.VirtualNetworks, Group).Select(v => v.Name));
    }

    [Fact]
    public async Task CompleteMigration_DeletesSeedDisksOnly_AndARetryOfItSucceeds()
    {
        var targetVnet = await _host.CreateVirtualNetworkAsync(Group, "vnet-prod", "10.1.0.0/16", "apps", "10.1.1.0/24");
        var target = ArmTestHost.Target(Group, "web01", targetVnet);
        var seeds = await _host.Provisioning.CreateSeedDisksAsync(target, ArmTestHost.SourceDisks(), CancellationToken.None);
        var cutover = await _host.Provisioning.CreateCutoverAsync(target, seeds, CancellationToken.None);

        var first = await _host.Provisioning.DeleteSeedDisksAsync(target, seeds, CancellationToken.None);
        var second = await _host.Provisioning.DeleteSeedDisksAsync(target, seeds, CancellationToken.None);

        Assert.Equal(seeds.Disks.Select(d => d.SeedDiskResourceId!).Order(StringComparer.Ordinal), first.DeletedResourceIds.Order(StringComparer.Ordinal));
        Assert.Empty(second.DeletedResourceIds);
        Assert.Equal(cutover.DiskIds.Order(StringComparer.Ordinal), _host.Arm.Resources(ArmCallKinds.Disks, Group).Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.Single(_host.Arm.Resources(ArmCallKinds.VirtualMachines, Group));
    }

    [Fact]
    public async Task RetriedTestMigration_ReusesWhatExists_AndCreatesOnlyWhatIsMissing()
    {
        var target = ArmTestHost.Target(Group, "app02");
        var seeds = await _host.Provisioning.CreateSeedDisksAsync(target, ArmTestHost.SourceDisks(), CancellationToken.None);
        var first = await _host.Provisioning.CreateTestMigrationAsync(target, seeds, CancellationToken.None);
        var countBefore = _host.Arm.Resources(resourceGroup: Group).Count;

        var retried = await _host.Provisioning.CreateTestMigrationAsync(target, seeds, CancellationToken.None);

        Assert.Equal(first.VirtualMachineId, retried.VirtualMachineId);
        Assert.Equal(first.DiskIds, retried.DiskIds);
        Assert.Equal(first.NetworkInterfaceIds, retried.NetworkInterfaceIds);
        Assert.Equal(first.VirtualNetworkId, retried.VirtualNetworkId);
        Assert.Empty(retried.CreatedResourceIds);
        Assert.Equal(first.CreatedResourceIds.Order(StringComparer.OrdinalIgnoreCase), retried.ReusedResourceIds.Order(StringComparer.OrdinalIgnoreCase));
        Assert.Equal(countBefore, _host.Arm.Resources(resourceGroup: Group).Count);

        // A crash after the disks were created but before the VM: the retry creates just the VM.
        await _host.Client.GetVirtualMachineResource(new Azure.Core.ResourceIdentifier(first.VirtualMachineId)).DeleteAsync(Azure.WaitUntil.Completed);
        var afterCrash = await _host.Provisioning.CreateTestMigrationAsync(target, seeds, CancellationToken.None);
        Assert.Equal([first.VirtualMachineId], afterCrash.CreatedResourceIds);
        Assert.Equal(countBefore, _host.Arm.Resources(resourceGroup: Group).Count);

        // Seed disk creation is idempotent too.
        var seedsAgain = await _host.Provisioning.CreateSeedDisksAsync(target, ArmTestHost.SourceDisks(), CancellationToken.None);
        Assert.Equal(seeds, seedsAgain, new MachineDisksComparer());
    }

    [Fact]
    public async Task RetriedCleanup_OfSomethingAlreadyGone_Succeeds()
    {
        var target = ArmTestHost.Target(Group, "app03");
        var seeds = await _host.Provisioning.CreateSeedDisksAsync(target, ArmTestHost.SourceDisks(), CancellationToken.None);
        await _host.Provisioning.CreateTestMigrationAsync(target, seeds, CancellationToken.None);

        var first = await _host.Provisioning.CleanupTestMigrationAsync(target, CancellationToken.None);
        var second = await _host.Provisioning.CleanupTestMigrationAsync(target, CancellationToken.None);
        var neverTested = await _host.Provisioning.CleanupTestMigrationAsync(ArmTestHost.Target(Group, "never-tested"), CancellationToken.None);
        var noGroup = await _host.Provisioning.CleanupTestMigrationAsync(ArmTestHost.Target("rg-does-not-exist", "app03"), CancellationToken.None);

        Assert.Equal(5, first.DeletedResourceIds.Count);
        Assert.Empty(second.DeletedResourceIds);
        Assert.Empty(neverTested.DeletedResourceIds);
        Assert.Empty(noGroup.DeletedResourceIds);
        Assert.Equal(2, _host.Arm.Resources(resourceGroup: Group).Count); // the seed disks
    }

    [Fact]
    public async Task TestMigrationsOfSeveralMachines_CanRunConcurrently()
    {
        var targets = Enumerable.Range(1, 4).Select(i => ArmTestHost.Target(Group, $"par{i:00}") with { TestNetworkAddressPrefix = $"10.{200 + i}.0.0/24" }).ToList();
        var seeds = await Task.WhenAll(targets.Select(t => _host.Provisioning.CreateSeedDisksAsync(t, ArmTestHost.SourceDisks(), CancellationToken.None)));

        var results = await Task.WhenAll(targets.Select((t, i) => _host.Provisioning.CreateTestMigrationAsync(t, seeds[i], CancellationToken.None)));

        Assert.Equal(["par01-test", "par02-test", "par03-test", "par04-test"], results.Select(r => r.VirtualMachineName).Order(StringComparer.Ordinal));
        Assert.Equal(4, _host.Arm.Resources(ArmCallKinds.VirtualNetworks, Group).Count);
        Assert.Equal(8, _host.Arm.VcpuUsage(ArmTestHost.SubscriptionId, ArmTestHost.Region));
        await Task.WhenAll(targets.Select(t => _host.Provisioning.CleanupTestMigrationAsync(t, CancellationToken.None)));
        Assert.Equal(8, _host.Arm.Resources(resourceGroup: Group).Count); // the seed disks only
    }

    [Fact]
    public async Task Cutover_WithoutTargetNetwork_FailsBeforeCallingAzure()
    {
        var target = ArmTestHost.Target(Group, "app04");
        _host.Arm.ClearRequests();

        var error = await Assert.ThrowsAsync<ProvisioningException>(() => _host.Provisioning.CreateCutoverAsync(target,
            ArmTestHost.SourceDisks() with { Disks = [.. ArmTestHost.SourceDisks().Disks.Select(d => d with { SeedDiskResourceId = "/x" })] },
            CancellationToken.None));

        Assert.Equal(ProvisioningFailureKind.InvalidRequest, error.Kind);
        Assert.Contains("target network", error.Message, StringComparison.Ordinal);
        Assert.Empty(_host.Arm.Requests());
    }

    private sealed class MachineDisksComparer : IEqualityComparer<MachineDisks>
    {
        public bool Equals(MachineDisks? x, MachineDisks? y) => x!.Disks.SequenceEqual(y!.Disks);

        public int GetHashCode(MachineDisks obj) => obj.Disks.Count;
    }
}
