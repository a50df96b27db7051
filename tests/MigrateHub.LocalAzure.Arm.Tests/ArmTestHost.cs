using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;
using MigrateHub.Shared.Provisioning;

namespace MigrateHub.LocalAzure.Arm.Tests;

/// <summary>A LocalArm endpoint plus a real ArmClient and provisioning client pointed at it.</summary>
internal sealed class ArmTestHost : IAsyncDisposable
{
    public const string SubscriptionId = "6b1d7c0e-2f64-4a4e-9d2e-1f0c8a7b5e31";
    public const string Region = "westeurope";

    private ArmTestHost(LocalArm arm, ArmClient client)
    {
        Arm = arm;
        Client = client;
        Provisioning = new TargetProvisioningClient(client);
    }

    public LocalArm Arm { get; }

    public ArmClient Client { get; }

    public TargetProvisioningClient Provisioning { get; }

    public static async Task<ArmTestHost> StartAsync(Action<LocalArmOptions>? configure = null, int maxRetries = 0)
    {
        var options = new LocalArmOptions();
        configure?.Invoke(options);
        var arm = await LocalArm.StartAsync(options);
        var client = ArmClientFactory.CreateLocal(arm.Endpoint, arm.CertificateThumbprint, new ArmProvisioningOptions
        {
            MaxRetries = maxRetries,
            RetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromSeconds(2),
        });
        return new ArmTestHost(arm, client);
    }

    public async Task<ResourceGroupResource> CreateResourceGroupAsync(string name, string region = Region)
    {
        var subscription = Client.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(SubscriptionId));
        var result = await subscription.GetResourceGroups().CreateOrUpdateAsync(WaitUntil.Completed, name, new ResourceGroupData(new AzureLocation(region)));
        return result.Value;
    }

    /// <summary>Creates a VNet with one subnet (as a generic resource) and returns its id.</summary>
    public async Task<string> CreateVirtualNetworkAsync(string resourceGroup, string name, string addressPrefix, string subnetName, string subnetPrefix, string region = Region)
    {
        var id = new ResourceIdentifier($"/subscriptions/{SubscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/virtualNetworks/{name}");
        var properties = new JsonObject
        {
            ["addressSpace"] = new JsonObject { ["addressPrefixes"] = new JsonArray(addressPrefix) },
            ["subnets"] = new JsonArray(new JsonObject { ["name"] = subnetName, ["properties"] = new JsonObject { ["addressPrefix"] = subnetPrefix } }),
        }.ToJsonString();
        await Client.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Completed, id, new GenericResourceData(new AzureLocation(region))
        {
            Properties = BinaryData.FromString(properties),
        });
        return id.ToString();
    }

    public static TargetSettings Target(string resourceGroup, string vmName, string? vnetId = null) => new()
    {
        MachineId = "machine-" + vmName,
        VmName = vmName,
        SubscriptionId = SubscriptionId,
        ResourceGroup = resourceGroup,
        Region = Region,
        VmSize = "Standard_D2s_v5",
        OsType = TargetOsType.Windows,
        Firmware = FirmwareType.Uefi,
        Network = vnetId is null ? null : new TargetNetwork(vnetId, "apps"),
        Tags = new Dictionary<string, string> { ["project"] = "contoso-dc1" },
    };

    public static MachineDisks SourceDisks(int dataDisks = 1) => new(
    [
        new MachineDisk { DiskId = "scsi0:0", IsOsDisk = true, SizeGb = 64 },
        .. Enumerable.Range(0, dataDisks).Select(i => new MachineDisk { DiskId = $"scsi0:{i + 1}", Lun = i, SizeGb = 128 }),
    ]);

    public int CountOf(string type, string resourceGroup) => Arm.Resources(type, resourceGroup).Count;

    public async ValueTask DisposeAsync() => await Arm.DisposeAsync();
}
