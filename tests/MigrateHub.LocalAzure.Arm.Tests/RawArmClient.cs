using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Text;
using System.Text.Json.Nodes;

namespace MigrateHub.LocalAzure.Arm.Tests;

/// <summary>Plain HTTP access to LocalArm, for checking wire-level behaviour.</summary>
internal sealed class RawArmClient : IDisposable
{
    public const string Sub = ArmTestHost.SubscriptionId;
    private readonly HttpClient _http;

    public RawArmClient(LocalArm arm, bool authenticate = true)
    {
        var thumbprint = arm.CertificateThumbprint;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, errors) =>
                errors == SslPolicyErrors.None || string.Equals(cert?.GetCertHashString(), thumbprint, StringComparison.OrdinalIgnoreCase),
        };
        _http = new HttpClient(handler) { BaseAddress = arm.Endpoint };
        if (authenticate)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-token");
        }
    }

    public static string Rg(string group) => $"subscriptions/{Sub}/resourceGroups/{group}";

    public static string Disk(string group, string name) => $"{Rg(group)}/providers/Microsoft.Compute/disks/{name}";

    public static string Vm(string group, string name) => $"{Rg(group)}/providers/Microsoft.Compute/virtualMachines/{name}";

    public static string Nic(string group, string name) => $"{Rg(group)}/providers/Microsoft.Network/networkInterfaces/{name}";

    public static string Vnet(string group, string name) => $"{Rg(group)}/providers/Microsoft.Network/virtualNetworks/{name}";

    public static string Id(string path) => "/" + path;

    public async Task<RawResponse> SendAsync(HttpMethod method, string path, JsonNode? body = null, string? apiVersion = "2023-04-02")
    {
        var uri = apiVersion is null || path.Contains("api-version", StringComparison.Ordinal) || path.StartsWith("http", StringComparison.Ordinal)
            ? path
            : $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}api-version={apiVersion}";
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new RawResponse(response.StatusCode, string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text),
            response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase));
    }

    public Task<RawResponse> PutAsync(string path, JsonNode body) => SendAsync(HttpMethod.Put, path, body);

    public Task<RawResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<RawResponse> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    /// <summary>Polls an Azure-AsyncOperation URL until it is not InProgress; returns the statuses seen.</summary>
    public async Task<List<string>> PollAsync(RawResponse accepted)
    {
        var statuses = new List<string>();
        var url = accepted.Headers["Azure-AsyncOperation"];
        for (var i = 0; i < 10; i++)
        {
            var status = (await SendAsync(HttpMethod.Get, url)).Body!["status"]!.GetValue<string>();
            statuses.Add(status);
            if (status != "InProgress")
            {
                break;
            }
        }

        return statuses;
    }

    /// <summary>Creates a resource group, a VNet with subnet "default", a NIC and an OS disk; returns (nicId, diskId).</summary>
    public async Task<(string NicId, string DiskId)> CreateVmPrerequisitesAsync(string group, string prefix, string region = "westeurope")
    {
        await SendAsync(HttpMethod.Put, Rg(group), new JsonObject { ["location"] = region }, "2022-09-01");
        await CreateVnetAsync(group, $"{prefix}-vnet", region);
        var nic = await PutAsync(Nic(group, $"{prefix}-nic"), NicBody(region, Id(Vnet(group, $"{prefix}-vnet")) + "/subnets/default"));
        Assert.Equal(HttpStatusCode.Created, nic.Status);
        var disk = await PutAsync(Disk(group, $"{prefix}-os"), DiskBody(region, 32, osType: "Linux"));
        Assert.Equal(HttpStatusCode.Accepted, disk.Status);
        return (Id(Nic(group, $"{prefix}-nic")), Id(Disk(group, $"{prefix}-os")));
    }

    public async Task CreateVnetAsync(string group, string name, string region = "westeurope")
    {
        var response = await PutAsync(Vnet(group, name), new JsonObject
        {
            ["location"] = region,
            ["properties"] = new JsonObject
            {
                ["addressSpace"] = new JsonObject { ["addressPrefixes"] = new JsonArray("10.0.0.0/16") },
                ["subnets"] = new JsonArray(new JsonObject { ["name"] = "default", ["properties"] = new JsonObject { ["addressPrefix"] = "10.0.0.0/24" } }),
            },
        });
        Assert.Equal(HttpStatusCode.Created, response.Status);
    }

    public static JsonObject NicBody(string region, string subnetId) => new()
    {
        ["location"] = region,
        ["properties"] = new JsonObject
        {
            ["ipConfigurations"] = new JsonArray(new JsonObject
            {
                ["name"] = "ipconfig1",
                ["properties"] = new JsonObject { ["subnet"] = new JsonObject { ["id"] = subnetId } },
            }),
        },
    };

    public static JsonObject DiskBody(string region, int sizeGb, string? osType = null, string? generation = null)
    {
        var properties = new JsonObject
        {
            ["creationData"] = new JsonObject { ["createOption"] = "Empty" },
            ["diskSizeGB"] = sizeGb,
        };
        if (osType is not null)
        {
            properties["osType"] = osType;
        }

        if (generation is not null)
        {
            properties["hyperVGeneration"] = generation;
        }

        return new JsonObject { ["location"] = region, ["sku"] = new JsonObject { ["name"] = "Premium_LRS" }, ["properties"] = properties };
    }

    public static JsonObject VmBody(string region, string size, string? nicId, string? osDiskId, params string[] dataDiskIds)
    {
        var storage = new JsonObject();
        if (osDiskId is not null)
        {
            storage["osDisk"] = new JsonObject { ["createOption"] = "Attach", ["osType"] = "Linux", ["managedDisk"] = new JsonObject { ["id"] = osDiskId } };
        }

        storage["dataDisks"] = new JsonArray([.. dataDiskIds.Select((id, lun) => (JsonNode)new JsonObject
        {
            ["lun"] = lun,
            ["createOption"] = "Attach",
            ["managedDisk"] = new JsonObject { ["id"] = id },
        })]);
        var nics = new JsonArray();
        if (nicId is not null)
        {
            nics.Add(new JsonObject { ["id"] = nicId });
        }

        return new JsonObject
        {
            ["location"] = region,
            ["properties"] = new JsonObject
            {
                ["hardwareProfile"] = new JsonObject { ["vmSize"] = size },
                ["storageProfile"] = storage,
                ["networkProfile"] = new JsonObject { ["networkInterfaces"] = nics },
            },
        };
    }

    public void Dispose() => _http.Dispose();
}

internal sealed record RawResponse(HttpStatusCode Status, JsonNode? Body, IReadOnlyDictionary<string, string> Headers)
{
    public string? ErrorCode => Body?["error"]?["code"]?.GetValue<string>();

    public string? ErrorMessage => Body?["error"]?["message"]?.GetValue<string>();
}
