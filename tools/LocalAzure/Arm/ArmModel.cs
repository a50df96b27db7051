using System.Text.Json.Nodes;

namespace MigrateHub.LocalAzure.Arm;

/// <summary>A copy of a resource held by the endpoint, for inspection in tests.</summary>
/// <param name="Id">Full ARM resource id.</param>
/// <param name="Type">Resource type, e.g. Microsoft.Compute/disks.</param>
/// <param name="Name">Resource name.</param>
/// <param name="ResourceGroup">Resource group name.</param>
/// <param name="Location">Normalised region, e.g. westeurope.</param>
/// <param name="ProvisioningState">Creating, Updating, Succeeded or Deleting.</param>
/// <param name="Json">The resource as a GET returns it.</param>
public sealed record ArmResourceSnapshot(
    string Id,
    string Type,
    string Name,
    string ResourceGroup,
    string Location,
    string ProvisioningState,
    string Json)
{
    /// <summary>Parses <see cref="Json"/>.</summary>
    public JsonObject Body() => JsonNode.Parse(Json)!.AsObject();
}

/// <summary>One request the endpoint answered.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Request path (without query).</param>
/// <param name="ApiVersion">api-version query value, if any.</param>
/// <param name="ResourceType">ARM resource type the request addressed, "operations" for polls, or empty.</param>
/// <param name="StatusCode">Status code returned.</param>
public sealed record ArmRequestRecord(string Method, string Path, string? ApiVersion, string ResourceType, int StatusCode);

/// <summary>Kinds of call that fault injection can target.</summary>
public static class ArmCallKinds
{
    /// <summary>Matches every ARM call.</summary>
    public const string Any = "*";

    /// <summary>Polls of long-running operations (Azure-AsyncOperation and Location URLs).</summary>
    public const string OperationPoll = "operations";

    /// <summary>Resource group calls.</summary>
    public const string ResourceGroups = "Microsoft.Resources/resourceGroups";

    /// <summary>Managed disks.</summary>
    public const string Disks = "Microsoft.Compute/disks";

    /// <summary>Virtual machines (including their actions and instance view).</summary>
    public const string VirtualMachines = "Microsoft.Compute/virtualMachines";

    /// <summary>Network interfaces.</summary>
    public const string NetworkInterfaces = "Microsoft.Network/networkInterfaces";

    /// <summary>Virtual networks (and their subnets).</summary>
    public const string VirtualNetworks = "Microsoft.Network/virtualNetworks";
}

internal sealed class FaultRule(string method, string resourceType, int remaining, int statusCode, TimeSpan? retryAfter)
{
    public string Method { get; } = method;
    public string ResourceType { get; } = resourceType;
    public int Remaining { get; set; } = remaining;
    public int StatusCode { get; } = statusCode;
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public bool Matches(string method, string resourceType) =>
        (Method == ArmCallKinds.Any || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)) &&
        (ResourceType == ArmCallKinds.Any ||
         string.Equals(ResourceType, resourceType, StringComparison.OrdinalIgnoreCase) ||
         resourceType.StartsWith(ResourceType + "/", StringComparison.OrdinalIgnoreCase));
}

internal sealed class OperationFailureRule(string method, string resourceType, int remaining, string code, string message)
{
    public string Method { get; } = method;
    public string ResourceType { get; } = resourceType;
    public int Remaining { get; set; } = remaining;
    public string Code { get; } = code;
    public string Message { get; } = message;

    public bool Matches(string method, string resourceType) =>
        (Method == ArmCallKinds.Any || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)) &&
        (ResourceType == ArmCallKinds.Any || string.Equals(ResourceType, resourceType, StringComparison.OrdinalIgnoreCase));
}

internal sealed class StoredResource
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required string Name { get; init; }
    public required string SubscriptionId { get; init; }
    public required string ResourceGroup { get; init; }
    public required string Location { get; init; }
    public required JsonObject Body { get; set; }

    /// <summary>VMs only: running, stopped, deallocated.</summary>
    public string PowerState { get; set; } = "running";

    /// <summary>VMs only: V1 or V2, from the OS disk.</summary>
    public string HyperVGeneration { get; set; } = "V1";

    public JsonObject Properties => Body["properties"] as JsonObject ?? (JsonObject)(Body["properties"] = new JsonObject());

    public string ProvisioningState
    {
        get => Properties["provisioningState"]?.GetValue<string>() ?? "Succeeded";
        set => Properties["provisioningState"] = value;
    }

    public ArmResourceSnapshot Snapshot() =>
        new(Id, Type, Name, ResourceGroup, Location, ProvisioningState, Body.ToJsonString());
}

internal sealed class StoredResourceGroup
{
    public required string Id { get; init; }
    public required string SubscriptionId { get; init; }
    public required string Name { get; init; }
    public required string Location { get; init; }
    public JsonNode? Tags { get; set; }
    public string ProvisioningState { get; set; } = "Succeeded";

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["name"] = Name,
        ["type"] = "Microsoft.Resources/resourceGroups",
        ["location"] = Location,
        ["tags"] = Tags?.DeepClone() ?? new JsonObject(),
        ["properties"] = new JsonObject { ["provisioningState"] = ProvisioningState },
    };
}

internal sealed class PendingOperation
{
    public required string Id { get; init; }
    public required string SubscriptionId { get; init; }
    public required string ProviderNamespace { get; init; }
    public required string Location { get; init; }
    public required string ApiVersion { get; init; }
    public required DateTimeOffset StartTime { get; init; }

    /// <summary>Resource a PUT created or updated: answered by the Location URL when done.</summary>
    public string? ResultResourceId { get; init; }
    public int RemainingPolls { get; set; }
    public bool Done { get; set; }

    /// <summary>Set when the operation is to fail asynchronously (status "Failed") instead of completing.</summary>
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }
    public Action? OnFail { get; set; }
    public DateTimeOffset? EndTime { get; set; }
    public Action? OnComplete { get; init; }
}

/// <summary>An ARM error to answer with <c>{"error":{"code","message"}}</c>.</summary>
internal sealed class ArmErrorException : Exception
{
    public ArmErrorException()
    {
        Code = "InternalServerError";
    }

    public ArmErrorException(string message)
        : base(message)
    {
        Code = "InternalServerError";
    }

    public ArmErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "InternalServerError";
    }

    public ArmErrorException(int status, string code, string message, string? target = null)
        : base(message)
    {
        Status = status;
        Code = code;
        Target = target;
    }

    public int Status { get; } = 500;
    public string Code { get; }
    public string? Target { get; }
}
