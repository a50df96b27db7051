using System.Text.Json.Nodes;

namespace MigrateHub.LocalAzure.Arm;

internal sealed class ArmResponse(int status, JsonNode? body = null)
{
    public int Status { get; } = status;
    public JsonNode? Body { get; } = body;
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static ArmResponse Error(int status, string code, string message, string? target = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (target is not null)
        {
            error["target"] = target;
        }

        var response = new ArmResponse(status, new JsonObject { ["error"] = error });
        response.Headers["x-ms-failure-cause"] = status >= 500 ? "service" : "gateway";
        return response;
    }
}

/// <summary>A parsed ARM path.</summary>
internal sealed record ArmRoute(
    string SubscriptionId,
    string ResourceGroup,
    string ProviderNamespace,
    string Type,
    string? Name,
    string? ChildType,
    string? ChildName,
    string? Action)
{
    /// <summary>Full type, e.g. Microsoft.Network/virtualNetworks/subnets (canonical casing where known).</summary>
    public string FullType => ArmNames.CanonicalType(ChildType is null
        ? $"{ProviderNamespace}/{Type}"
        : $"{ProviderNamespace}/{Type}/{ChildType}");

    public string ParentType => ArmNames.CanonicalType($"{ProviderNamespace}/{Type}");
}
