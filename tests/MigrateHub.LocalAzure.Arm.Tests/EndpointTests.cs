using System.Net;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using static MigrateHub.LocalAzure.Arm.Tests.RawArmClient;

namespace MigrateHub.LocalAzure.Arm.Tests;

/// <summary>Wire-level behaviour and ARM validation rules of LocalArm.</summary>
public sealed class EndpointTests : IAsyncLifetime
{
    private const string G = "rg-endpoint";
    private LocalArm _arm = null!;
    private RawArmClient _raw = null!;

    public async Task InitializeAsync()
    {
        var options = new LocalArmOptions();
        options.VcpuQuotaPerRegion["northeurope"] = 4;
        options.AdditionalVmSizes["Standard_Custom_x3"] = 3;
        _arm = await LocalArm.StartAsync(options);
        _raw = new RawArmClient(_arm);
    }

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        await _arm.StopAsync();
    }

    [Fact]
    public async Task Endpoint_IsHttpsOnLoopback_WithTheAnnouncedCertificate()
    {
        Assert.Equal("https", _arm.Endpoint.Scheme);
        Assert.Equal("127.0.0.1", _arm.Endpoint.Host);
        Assert.NotEqual(0, _arm.Endpoint.Port);
        Assert.Equal(_arm.Certificate.Thumbprint, _arm.CertificateThumbprint);
        var response = await _raw.SendAsync(HttpMethod.Get, $"subscriptions/{Sub}", apiVersion: "2022-12-01");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(Sub, response.Body!["subscriptionId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Routes_AreCaseInsensitive()
    {
        var create = await _raw.SendAsync(HttpMethod.Put, $"subscriptions/{Sub}/resourcegroups/{G}", new JsonObject { ["location"] = "West Europe" }, "2022-09-01");
        Assert.Equal(HttpStatusCode.Created, create.Status);
        Assert.Equal("westeurope", create.Body!["location"]!.GetValue<string>());

        var put = await _raw.PutAsync($"SUBSCRIPTIONS/{Sub}/RESOURCEGROUPS/{G.ToUpperInvariant()}/providers/MICROSOFT.COMPUTE/DISKS/Data1", DiskBody("westeurope", 16));
        Assert.Equal(HttpStatusCode.Accepted, put.Status);

        var get = await _raw.GetAsync($"subscriptions/{Sub}/resourceGroups/{G}/providers/Microsoft.Compute/disks/DATA1");
        Assert.Equal(HttpStatusCode.OK, get.Status);
        Assert.Equal("Microsoft.Compute/disks", get.Body!["type"]!.GetValue<string>());
        var list = await _raw.GetAsync($"subscriptions/{Sub}/resourcegroups/{G}/providers/microsoft.compute/disks");
        Assert.Single(list.Body!["value"]!.AsArray());
    }

    [Fact]
    public async Task LongRunningOperations_UseAbsoluteHttpsPollingUrls_AndHonourPollsBeforeDone()
    {
        _arm.PollsBeforeDone = 2;
        await _raw.SendAsync(HttpMethod.Put, Rg(G), new JsonObject { ["location"] = "westeurope" }, "2022-09-01");

        var put = await _raw.PutAsync(Disk(G, "d1"), DiskBody("westeurope", 16));

        Assert.StartsWith(_arm.Endpoint.ToString(), put.Headers["Azure-AsyncOperation"], StringComparison.Ordinal);
        Assert.StartsWith(_arm.Endpoint.ToString(), put.Headers["Location"], StringComparison.Ordinal);
        Assert.Equal("Creating", put.Body!["properties"]!["provisioningState"]!.GetValue<string>());
        Assert.Equal(["InProgress", "InProgress", "Succeeded"], await _raw.PollAsync(put));
        Assert.Equal("Succeeded", (await _raw.GetAsync(Disk(G, "d1"))).Body!["properties"]!["provisioningState"]!.GetValue<string>());

        // Resource group deletion polls Location only: 202 while running, 200 when done, contents gone.
        var delete = await _raw.SendAsync(HttpMethod.Delete, Rg(G), apiVersion: "2022-09-01");
        Assert.Equal(HttpStatusCode.Accepted, delete.Status);
        Assert.False(delete.Headers.ContainsKey("Azure-AsyncOperation"));
        Assert.Equal(HttpStatusCode.Accepted, (await _raw.SendAsync(HttpMethod.Get, delete.Headers["Location"])).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await _raw.SendAsync(HttpMethod.Get, delete.Headers["Location"])).Status);
        Assert.Equal(HttpStatusCode.OK, (await _raw.SendAsync(HttpMethod.Get, delete.Headers["Location"])).Status);
        Assert.Empty(_arm.Resources(resourceGroup: G));
        Assert.Equal("ResourceGroupNotFound", (await _raw.SendAsync(HttpMethod.Get, Rg(G), apiVersion: "2022-09-01")).ErrorCode);
    }

    [Fact]
    public async Task DiskInUse_CannotBeDeleted_UntilItsVmIsGone()
    {
        var (nic, disk) = await _raw.CreateVmPrerequisitesAsync(G, "a");
        var vm = await _raw.PutAsync(Vm(G, "vm-a"), VmBody("westeurope", "Standard_D2s_v5", nic, disk));
        Assert.Equal(HttpStatusCode.Created, vm.Status);
        Assert.Equal(["Succeeded"], await _raw.PollAsync(vm));

        var blocked = await _raw.DeleteAsync(Disk(G, "a-os"));
        Assert.Equal(HttpStatusCode.Conflict, blocked.Status);
        Assert.Equal("OperationNotAllowed", blocked.ErrorCode);
        Assert.Equal($"Disk a-os is attached to VM {Id(Vm(G, "vm-a"))}.", blocked.ErrorMessage);
        var nicBlocked = await _raw.DeleteAsync(Nic(G, "a-nic"));
        Assert.Equal("NicInUse", nicBlocked.ErrorCode);
        var vnetBlocked = await _raw.DeleteAsync(Vnet(G, "a-vnet"));
        Assert.Equal("InUseSubnetCannotBeDeleted", vnetBlocked.ErrorCode);

        Assert.Equal(["Succeeded"], await _raw.PollAsync(await _raw.DeleteAsync(Vm(G, "vm-a"))));
        var diskAfter = await _raw.GetAsync(Disk(G, "a-os"));
        Assert.Equal("Unattached", diskAfter.Body!["properties"]!["diskState"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Accepted, (await _raw.DeleteAsync(Disk(G, "a-os"))).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await _raw.DeleteAsync(Nic(G, "a-nic"))).Status);
    }

    [Fact]
    public async Task DeletingSomethingAbsent_Returns204()
    {
        await _raw.SendAsync(HttpMethod.Put, Rg(G), new JsonObject { ["location"] = "westeurope" }, "2022-09-01");

        Assert.Equal(HttpStatusCode.NoContent, (await _raw.DeleteAsync(Disk(G, "never-existed"))).Status);
        var missing = await _raw.GetAsync(Disk(G, "never-existed"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("ResourceNotFound", missing.ErrorCode);
    }

    [Fact]
    public async Task Vm_NeedsAnExistingNicAndOsDisk()
    {
        var (nic, disk) = await _raw.CreateVmPrerequisitesAsync(G, "b");

        var noNic = await _raw.PutAsync(Vm(G, "vm-b"), VmBody("westeurope", "Standard_D2s_v5", Id(Nic(G, "missing-nic")), disk));
        Assert.Equal(HttpStatusCode.NotFound, noNic.Status);
        Assert.Contains("missing-nic", noNic.ErrorMessage, StringComparison.Ordinal);

        var noDisk = await _raw.PutAsync(Vm(G, "vm-b"), VmBody("westeurope", "Standard_D2s_v5", nic, Id(Disk(G, "missing-disk"))));
        Assert.Equal(HttpStatusCode.NotFound, noDisk.Status);
        Assert.Contains("missing-disk", noDisk.ErrorMessage, StringComparison.Ordinal);

        var noOsDisk = await _raw.PutAsync(Vm(G, "vm-b"), VmBody("westeurope", "Standard_D2s_v5", nic, osDiskId: null));
        Assert.Equal("InvalidParameter", noOsDisk.ErrorCode);
        var noNics = await _raw.PutAsync(Vm(G, "vm-b"), VmBody("westeurope", "Standard_D2s_v5", nicId: null, disk));
        Assert.Equal("InvalidParameter", noNics.ErrorCode);

        Assert.Empty(_arm.Resources(ArmCallKinds.VirtualMachines));
        Assert.All(_arm.Resources(ArmCallKinds.Disks), d => Assert.Null(d.Body()["managedBy"]));
    }

    [Fact]
    public async Task Vm_RejectsNicAndDisksInAnotherRegion()
    {
        var (nic, disk) = await _raw.CreateVmPrerequisitesAsync(G, "c", region: "westeurope");
        var (nicNorth, diskNorth) = await _raw.CreateVmPrerequisitesAsync("rg-north", "n", region: "northeurope");

        var nicElsewhere = await _raw.PutAsync(Vm(G, "vm-c"), VmBody("westeurope", "Standard_D2s_v5", nicNorth, disk));
        Assert.Equal(HttpStatusCode.BadRequest, nicElsewhere.Status);
        Assert.Contains("same region", nicElsewhere.ErrorMessage, StringComparison.Ordinal);

        var diskElsewhere = await _raw.PutAsync(Vm(G, "vm-c"), VmBody("westeurope", "Standard_D2s_v5", nic, diskNorth));
        Assert.Equal(HttpStatusCode.BadRequest, diskElsewhere.Status);
        Assert.Contains("same region", diskElsewhere.ErrorMessage, StringComparison.Ordinal);

        // A NIC cannot join a subnet in another region either (NRP's InvalidResourceReference).
        var crossNic = await _raw.PutAsync(Nic(G, "cross-nic"), NicBody("westeurope", Id(Vnet("rg-north", "n-vnet")) + "/subnets/default"));
        Assert.Equal("InvalidResourceReference", crossNic.ErrorCode);
        var noSubnet = await _raw.PutAsync(Nic(G, "lost-nic"), NicBody("westeurope", Id(Vnet(G, "c-vnet")) + "/subnets/nope"));
        Assert.Equal("InvalidResourceReference", noSubnet.ErrorCode);
    }

    [Fact]
    public async Task UnknownVmSize_IsRejected_ConfiguredExtraSizesAreAccepted()
    {
        var (nic, disk) = await _raw.CreateVmPrerequisitesAsync(G, "d");

        var unknown = await _raw.PutAsync(Vm(G, "vm-d"), VmBody("westeurope", "Standard_Z99_v9", nic, disk));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal("InvalidParameter", unknown.ErrorCode);
        Assert.Equal("vmSize", unknown.Body!["error"]!["target"]!.GetValue<string>());
        Assert.StartsWith("The value Standard_Z99_v9 provided for the VM size is not valid. The valid sizes in the current region are: ", unknown.ErrorMessage, StringComparison.Ordinal);

        var lowerCase = await _raw.PutAsync(Vm(G, "vm-d"), VmBody("westeurope", "standard_custom_X3", nic, disk));
        Assert.Equal(HttpStatusCode.Created, lowerCase.Status);
        Assert.Equal("Standard_Custom_x3", lowerCase.Body!["properties"]!["hardwareProfile"]!["vmSize"]!.GetValue<string>());
        Assert.Equal(3, _arm.VcpuUsage(Sub, "West Europe"));
    }

    [Fact]
    public async Task VmSizeLimits_DataDiskCountAndGeneration_AreEnforced()
    {
        var (nic, _) = await _raw.CreateVmPrerequisitesAsync(G, "e");
        await _raw.PutAsync(Disk(G, "gen2-os"), DiskBody("westeurope", 32, "Linux", "V2"));
        var data = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            await _raw.PutAsync(Disk(G, $"e-data{i}"), DiskBody("westeurope", 8));
            data.Add(Id(Disk(G, $"e-data{i}")));
        }

        var gen2OnAv2 = await _raw.PutAsync(Vm(G, "vm-e"), VmBody("westeurope", "Standard_A2_v2", nic, Id(Disk(G, "gen2-os"))));
        Assert.Contains("cannot boot Hypervisor Generation '2'", gen2OnAv2.ErrorMessage, StringComparison.Ordinal);

        var tooManyDisks = await _raw.PutAsync(Vm(G, "vm-e"), VmBody("westeurope", "Standard_B1s", nic, Id(Disk(G, "gen2-os")), [.. data]));
        Assert.Equal(HttpStatusCode.Conflict, tooManyDisks.Status);
        Assert.Equal("The maximum number of data disks allowed to be attached to a VM of this size is 2.", tooManyDisks.ErrorMessage);

        var ok = await _raw.PutAsync(Vm(G, "vm-e"), VmBody("westeurope", "Standard_D2s_v5", nic, Id(Disk(G, "gen2-os")), [.. data]));
        Assert.Equal(HttpStatusCode.Created, ok.Status);
        await _raw.PollAsync(ok);
        var view = await _raw.GetAsync(Vm(G, "vm-e") + "/instanceView");
        Assert.Equal("V2", view.Body!["hyperVGeneration"]!.GetValue<string>());
    }

    [Fact]
    public async Task RegionalVcpuQuota_IsEnforcedPerRegion_WithArmsErrorShape()
    {
        var (nic, disk) = await _raw.CreateVmPrerequisitesAsync("rg-north", "q", region: "northeurope");

        var over = await _raw.PutAsync(Vm("rg-north", "vm-q"), VmBody("northeurope", "Standard_D8s_v5", nic, disk));

        Assert.Equal(HttpStatusCode.Conflict, over.Status);
        Assert.Equal("OperationNotAllowed", over.ErrorCode);
        Assert.StartsWith("Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: northeurope, Current Limit: 4, Current Usage: 0, Additional Required: 8, (Minimum) New Limit Required: 8.", over.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await _raw.PutAsync(Vm("rg-north", "vm-q"), VmBody("northeurope", "Standard_D4s_v5", nic, disk))).Status);
    }

    [Fact]
    public async Task RegionalVcpuQuota_RaisedAtRunTime_AdmitsTheVmItRefused()
    {
        _arm.SetVcpuQuota("Sweden Central", 2);
        var (nic, disk) = await _raw.CreateVmPrerequisitesAsync("rg-sweden", "r", region: "swedencentral");

        var refused = await _raw.PutAsync(Vm("rg-sweden", "vm-r"), VmBody("swedencentral", "Standard_D4s_v5", nic, disk));
        Assert.Equal("OperationNotAllowed", refused.ErrorCode);
        Assert.Contains("Current Limit: 2,", refused.ErrorMessage, StringComparison.Ordinal);

        _arm.SetVcpuQuota("swedencentral", 4);
        Assert.Equal(HttpStatusCode.Created, (await _raw.PutAsync(Vm("rg-sweden", "vm-r"), VmBody("swedencentral", "Standard_D4s_v5", nic, disk))).Status);
        Assert.Equal(4, _arm.VcpuUsage(ArmTestHost.SubscriptionId, "swedencentral"));
    }

    [Fact]
    public async Task Names_AreValidated()
    {
        await _raw.SendAsync(HttpMethod.Put, Rg(G), new JsonObject { ["location"] = "westeurope" }, "2022-09-01");

        var badDisk = await _raw.PutAsync(Disk(G, "bad%20name!"), DiskBody("westeurope", 8));
        Assert.Equal("InvalidResourceName", badDisk.ErrorCode);
        var longDisk = await _raw.PutAsync(Disk(G, new string('d', 81)), DiskBody("westeurope", 8));
        Assert.Equal("InvalidResourceName", longDisk.ErrorCode);
        var badVm = await _raw.PutAsync(Vm(G, "ends-with-dash-"), VmBody("westeurope", "Standard_D2s_v5", "/x", "/y"));
        Assert.Equal("InvalidResourceName", badVm.ErrorCode);
        var noSize = await _raw.PutAsync(Disk(G, "nosize"), new JsonObject { ["location"] = "westeurope", ["properties"] = new JsonObject { ["creationData"] = new JsonObject { ["createOption"] = "Empty" } } });
        Assert.Equal("InvalidParameter", noSize.ErrorCode);
        var tooBig = await _raw.PutAsync(Disk(G, "huge"), DiskBody("westeurope", 40000));
        Assert.Equal("InvalidParameter", tooBig.ErrorCode);
        var badSku = await _raw.PutAsync(Disk(G, "sku"), new JsonObject { ["location"] = "westeurope", ["sku"] = new JsonObject { ["name"] = "Gold_LRS" }, ["properties"] = DiskBody("westeurope", 8)["properties"]!.DeepClone() });
        Assert.Equal("InvalidParameter", badSku.ErrorCode);
        Assert.Empty(_arm.Resources(ArmCallKinds.Disks));
    }

    [Fact]
    public async Task DiskCopyAndImport_ValidateTheirSources()
    {
        await _raw.SendAsync(HttpMethod.Put, Rg(G), new JsonObject { ["location"] = "westeurope" }, "2022-09-01");
        static JsonObject Body(JsonObject creation) => new() { ["location"] = "westeurope", ["properties"] = new JsonObject { ["creationData"] = creation } };

        var copyMissing = await _raw.PutAsync(Disk(G, "copy1"), Body(new JsonObject { ["createOption"] = "Copy", ["sourceResourceId"] = Id(Disk(G, "ghost")) }));
        Assert.Equal(HttpStatusCode.NotFound, copyMissing.Status);
        var importNoUri = await _raw.PutAsync(Disk(G, "imp1"), Body(new JsonObject { ["createOption"] = "Import", ["storageAccountId"] = "/x" }));
        Assert.Equal("InvalidParameter", importNoUri.ErrorCode);

        await _raw.PutAsync(Disk(G, "src"), DiskBody("westeurope", 50, "Windows", "V2"));
        var copy = await _raw.PutAsync(Disk(G, "copy2"), Body(new JsonObject { ["createOption"] = "Copy", ["sourceResourceId"] = Id(Disk(G, "src")) }));
        Assert.Equal(HttpStatusCode.Accepted, copy.Status);
        Assert.Equal(50, copy.Body!["properties"]!["diskSizeGB"]!.GetValue<int>());
        Assert.Equal("V2", copy.Body!["properties"]!["hyperVGeneration"]!.GetValue<string>());
    }

    [Fact]
    public async Task MalformedBodies_AreAnsweredWithInvalidRequestContent()
    {
        await _raw.SendAsync(HttpMethod.Put, Rg(G), new JsonObject { ["location"] = "westeurope" }, "2022-09-01");

        var wrongType = await _raw.PutAsync(Disk(G, "typed"), new JsonObject { ["location"] = 42 });
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.Status);
        Assert.Equal("InvalidRequestContent", wrongType.ErrorCode);
        var noLocation = await _raw.PutAsync(Disk(G, "typed"), new JsonObject { ["properties"] = new JsonObject() });
        Assert.Equal("LocationRequired", noLocation.ErrorCode);
    }

    [Fact]
    public async Task Listings_OfAResourceGroupAndOfSubnets()
    {
        await _raw.CreateVmPrerequisitesAsync(G, "l");

        var all = await _raw.GetAsync($"{Rg(G)}/resources");
        Assert.Equal(["l-nic", "l-os", "l-vnet"], all.Body!["value"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var subnets = await _raw.GetAsync(Vnet(G, "l-vnet") + "/subnets");
        Assert.Equal("default", Assert.Single(subnets.Body!["value"]!.AsArray())!["name"]!.GetValue<string>());
        var subnet = await _raw.GetAsync(Vnet(G, "l-vnet") + "/subnets/DEFAULT");
        Assert.Equal("10.0.0.0/24", subnet.Body!["properties"]!["addressPrefix"]!.GetValue<string>());
    }

    [Fact]
    public async Task Requests_NeedABearerTokenAndAnApiVersion()
    {
        using var anonymous = new RawArmClient(_arm, authenticate: false);
        var noToken = await anonymous.GetAsync($"subscriptions/{Sub}");
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.Status);
        Assert.Equal("AuthenticationFailed", noToken.ErrorCode);

        var noVersion = await _raw.SendAsync(HttpMethod.Get, $"subscriptions/{Sub}", apiVersion: null);
        Assert.Equal("MissingApiVersionParameter", noVersion.ErrorCode);
        var badSubscription = await _raw.GetAsync("subscriptions/not-a-guid");
        Assert.Equal("InvalidSubscriptionId", badSubscription.ErrorCode);
    }

    [Fact]
    public async Task InspectionAndFaultInjection_WorkOverHttpToo()
    {
        await _raw.CreateVmPrerequisitesAsync(G, "f");

        var resources = await _raw.SendAsync(HttpMethod.Get, $"_localarm/resources?type=Microsoft.Compute/disks&resourceGroup={G}", apiVersion: null);
        Assert.Equal(["f-os"], resources.Body!["value"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()));

        var inject = await _raw.SendAsync(HttpMethod.Post, "_localarm/faults",
            new JsonObject { ["resourceType"] = "Microsoft.Compute/disks", ["method"] = "GET", ["count"] = 1, ["statusCode"] = 429, ["retryAfterSeconds"] = 7 }, apiVersion: null);
        Assert.Equal(HttpStatusCode.NoContent, inject.Status);

        var throttled = await _raw.GetAsync(Disk(G, "f-os"));
        Assert.Equal((HttpStatusCode)429, throttled.Status);
        Assert.Equal("7", throttled.Headers["Retry-After"]);
        Assert.Equal("TooManyRequests", throttled.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, (await _raw.GetAsync(Disk(G, "f-os"))).Status);
        Assert.Equal(0, _arm.PendingFaults);

        var log = await _raw.SendAsync(HttpMethod.Get, "_localarm/requests", apiVersion: null);
        Assert.Contains(log.Body!["value"]!.AsArray(), r => r!["statusCode"]!.GetValue<int>() == 429);
    }

    [Fact]
    public async Task VmPowerActions_WorkThroughTheSdk()
    {
        var (nic, disk) = await _raw.CreateVmPrerequisitesAsync(G, "p");
        await _raw.PollAsync(await _raw.PutAsync(Vm(G, "vm-p"), VmBody("westeurope", "Standard_B2s", nic, disk)));
        var client = Shared.Provisioning.ArmClientFactory.CreateLocal(_arm.Endpoint, _arm.CertificateThumbprint, new Shared.Provisioning.ArmProvisioningOptions { MaxRetries = 0 });
        var vm = client.GetVirtualMachineResource(new ResourceIdentifier(Id(Vm(G, "vm-p"))));

        await vm.PowerOffAsync(WaitUntil.Completed);
        Assert.Contains((await vm.InstanceViewAsync()).Value.Statuses, s => s.Code == "PowerState/stopped");
        await vm.DeallocateAsync(WaitUntil.Completed);
        Assert.Contains((await vm.InstanceViewAsync()).Value.Statuses, s => s.Code == "PowerState/deallocated");
        await vm.PowerOnAsync(WaitUntil.Completed);
        var expanded = (await vm.GetAsync(InstanceViewType.InstanceView)).Value.Data.InstanceView;
        Assert.Contains(expanded.Statuses, s => s.Code == "PowerState/running");
        await vm.DeleteAsync(WaitUntil.Completed);
        Assert.Empty(_arm.Resources(ArmCallKinds.VirtualMachines));
    }

    [Fact]
    public async Task UnpinnedGenericResourceTypes_ResolveTheirApiVersionFromTheProviderEndpoint()
    {
        var client = Shared.Provisioning.ArmClientFactory.CreateLocal(_arm.Endpoint, _arm.CertificateThumbprint, new Shared.Provisioning.ArmProvisioningOptions { MaxRetries = 0 });
        await _raw.SendAsync(HttpMethod.Put, Rg(G), new JsonObject { ["location"] = "westeurope" }, "2022-09-01");
        var nsgId = new ResourceIdentifier($"/{Rg(G)}/providers/Microsoft.Network/networkSecurityGroups/nsg-1");

        await client.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Completed, nsgId, new Azure.ResourceManager.Resources.GenericResourceData(new AzureLocation("westeurope")));

        Assert.Contains(_arm.Requests(), r => r.Method == "GET" && r.Path.EndsWith("/providers/Microsoft.Network", StringComparison.OrdinalIgnoreCase));
        var put = Assert.Single(_arm.Requests(), r => r.Method == "PUT" && r.ResourceType == "Microsoft.Network/networkSecurityGroups");
        Assert.Equal("2024-05-01", put.ApiVersion); // the newest one the provider announces
        Assert.Single(_arm.Resources("Microsoft.Network/networkSecurityGroups", G));
    }

    [Fact]
    public async Task ResourceGroupDelete_ThroughTheSdk_PollsLocationAndRemovesContents()
    {
        var client = Shared.Provisioning.ArmClientFactory.CreateLocal(_arm.Endpoint, _arm.CertificateThumbprint, new Shared.Provisioning.ArmProvisioningOptions { MaxRetries = 0 });
        await _raw.CreateVmPrerequisitesAsync(G, "rgdel");
        var group = client.GetResourceGroupResource(Azure.ResourceManager.Resources.ResourceGroupResource.CreateResourceIdentifier(Sub, G));

        await group.DeleteAsync(WaitUntil.Completed);

        Assert.Empty(_arm.Resources(resourceGroup: G));
        Assert.Empty(_arm.ResourceGroups());
    }
}
