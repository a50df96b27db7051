using System.Text.Json.Nodes;

namespace MigrateHub.LocalAzure.Arm;

internal sealed partial class ArmService
{
    private static IEnumerable<JsonObject> Subnets(StoredResource vnet) =>
        (vnet.Properties["subnets"] as JsonArray)?.OfType<JsonObject>() ?? [];

    /// <summary>The first NIC IP configuration using a subnet, if any.</summary>
    private string? SubnetUser(string subnetId) =>
        _resources.Values
            .Where(r => r.Type == ArmNames.NetworkInterfaces)
            .SelectMany(r => (r.Properties["ipConfigurations"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .Where(c => Is(Str(c["properties"]?["subnet"]?["id"]) ?? string.Empty, subnetId))
            .Select(c => Str(c["id"]))
            .FirstOrDefault();

    private ArmResponse PutVnet(ArmRoute route, string id, string location, JsonObject request, StoredResource? existing, string baseUri, string apiVersion)
    {
        if (!ArmNames.IsValidNetworkName(route.Name!))
        {
            throw InvalidName(route.Name!, 64);
        }

        var properties = request["properties"] as JsonObject ?? [];
        var prefixes = (properties["addressSpace"]?["addressPrefixes"] as JsonArray)?.Select(Str).ToList() ?? [];
        if (prefixes.Count == 0)
        {
            throw new ArmErrorException(400, "InvalidRequestFormat", "Cannot parse the request: 'addressSpace.addressPrefixes' must contain at least one address prefix.", "addressSpace");
        }

        var ranges = new List<(uint Network, int Length)>();
        foreach (var prefix in prefixes)
        {
            if (!ArmNames.TryParseCidr(prefix, out var network, out var length))
            {
                throw new ArmErrorException(400, "InvalidAddressPrefixFormat", $"Address prefix {prefix} of resource {id} is not formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24.");
            }

            ranges.Add((network, length));
        }

        var subnets = new JsonArray();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var subnet in (properties["subnets"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            subnets.Add(BuildSubnet(id, Str(subnet["name"]), subnet, ranges, route.Name!));
            if (!names.Add(Str(subnet["name"])!))
            {
                throw new ArmErrorException(400, "InvalidRequestFormat", $"Subnet name '{Str(subnet["name"])}' is used more than once in virtual network {id}.");
            }
        }

        if (existing is not null)
        {
            foreach (var old in Subnets(existing))
            {
                var oldId = Str(old["id"])!;
                if (!names.Contains(Str(old["name"])!) && SubnetUser(oldId) is { } user)
                {
                    throw new ArmErrorException(400, "InUseSubnetCannotBeDeleted", $"Subnet {Str(old["name"])} is in use by {user} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.");
                }
            }
        }

        var body = Envelope(id, route.Name!, ArmNames.VirtualNetworks, location, request);
        var stored = (JsonObject)properties.DeepClone();
        stored["addressSpace"] = new JsonObject { ["addressPrefixes"] = new JsonArray([.. prefixes.Select(p => (JsonNode)p!)]) };
        stored["subnets"] = subnets;
        stored["resourceGuid"] = Str(existing?.Properties["resourceGuid"]) ?? Guid.NewGuid().ToString();
        body["properties"] = stored;
        var resource = Store(route, id, location, body);
        return Accepted(resource, existing is null, route, baseUri, apiVersion, statusOnCreate: 201, locationHeader: false);
    }

    private static JsonObject BuildSubnet(string vnetId, string? name, JsonObject request, List<(uint Network, int Length)> ranges, string vnetName)
    {
        if (name is null || !ArmNames.IsValidNetworkName(name))
        {
            throw InvalidName(name ?? "(null)", 80);
        }

        var prefix = Str(request["properties"]?["addressPrefix"]);
        if (!ArmNames.TryParseCidr(prefix, out var network, out var length))
        {
            throw new ArmErrorException(400, "InvalidAddressPrefixFormat", $"Address prefix {prefix} of resource {vnetId}/subnets/{name} is not formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24.");
        }

        if (!ranges.Any(r => ArmNames.Contains(r.Network, r.Length, network, length)))
        {
            throw new ArmErrorException(400, "NetcfgSubnetRangeOutsideVnet", $"Subnet '{name}' is not valid because its IP address range is outside the IP address range of virtual network '{vnetName}'.");
        }

        var properties = (request["properties"] as JsonObject)?.DeepClone() as JsonObject ?? [];
        properties["addressPrefix"] = prefix;
        properties["provisioningState"] = "Succeeded";
        return new JsonObject
        {
            ["id"] = $"{vnetId}/subnets/{name}",
            ["name"] = name,
            ["type"] = ArmNames.Subnets,
            ["properties"] = properties,
        };
    }

    private ArmResponse HandleSubnet(string method, ArmRoute route, JsonNode? body, string baseUri, string apiVersion)
    {
        var vnetId = $"/subscriptions/{route.SubscriptionId}/resourceGroups/{route.ResourceGroup}/providers/{ArmNames.VirtualNetworks}/{route.Name}";
        var vnet = _resources.GetValueOrDefault(ArmNames.Key(vnetId));
        var subnetName = route.ChildName!;
        var existing = vnet is null ? null : Subnets(vnet).FirstOrDefault(s => Is(Str(s["name"]) ?? string.Empty, subnetName));
        switch (method)
        {
            case "GET":
                return existing is null
                    ? throw NotFound(ArmNames.Subnets, $"{route.Name}/{subnetName}", route.ResourceGroup)
                    : new ArmResponse(200, existing.DeepClone());
            case "PUT":
            {
                if (vnet is null)
                {
                    throw NotFound(ArmNames.VirtualNetworks, route.Name!, route.ResourceGroup);
                }

                var ranges = new List<(uint, int)>();
                foreach (var prefix in (vnet.Properties["addressSpace"]?["addressPrefixes"] as JsonArray)?.Select(Str) ?? [])
                {
                    if (ArmNames.TryParseCidr(prefix, out var n, out var l))
                    {
                        ranges.Add((n, l));
                    }
                }

                var subnet = BuildSubnet(vnetId, subnetName, body as JsonObject ?? [], ranges, vnet.Name);
                var list = (JsonArray)vnet.Properties["subnets"]!;
                if (existing is not null)
                {
                    list.Remove(existing);
                }

                list.Add(subnet);
                var response = new ArmResponse(existing is null ? 201 : 200, subnet.DeepClone());
                AddOperationHeaders(response, route.SubscriptionId, route.ProviderNamespace, vnet.Location, apiVersion, baseUri, null, locationHeader: false);
                return response;
            }

            case "DELETE":
            {
                if (existing is null)
                {
                    return new ArmResponse(204);
                }

                if (SubnetUser(Str(existing["id"])!) is { } user)
                {
                    throw new ArmErrorException(400, "InUseSubnetCannotBeDeleted", $"Subnet {subnetName} is in use by {user} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.");
                }

                ((JsonArray)vnet!.Properties["subnets"]!).Remove(existing);
                var response = new ArmResponse(202);
                AddOperationHeaders(response, route.SubscriptionId, route.ProviderNamespace, vnet.Location, apiVersion, baseUri, null);
                return response;
            }

            default:
                return MethodNotAllowed(method);
        }
    }

    private ArmResponse PutNic(ArmRoute route, string id, string location, JsonObject request, StoredResource? existing, string baseUri, string apiVersion)
    {
        if (!ArmNames.IsValidNetworkName(route.Name!))
        {
            throw InvalidName(route.Name!, 80);
        }

        var properties = request["properties"] as JsonObject ?? [];
        var configurations = (properties["ipConfigurations"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        if (configurations.Count == 0)
        {
            throw new ArmErrorException(400, "InvalidRequestFormat", $"Cannot parse the request: network interface {id} must have at least one IP configuration.", "ipConfigurations");
        }

        var built = new JsonArray();
        var index = 0;
        foreach (var configuration in configurations)
        {
            var name = Str(configuration["name"]) ?? $"ipconfig{index + 1}";
            var subnetId = Str(configuration["properties"]?["subnet"]?["id"]);
            var reference = $"{id}/ipConfigurations/{name}";
            if (subnetId is null)
            {
                throw new ArmErrorException(400, "InvalidRequestFormat", $"Cannot parse the request: IP configuration {reference} must reference a subnet.", "ipConfigurations.subnet");
            }

            var vnetId = subnetId[..Math.Max(0, subnetId.LastIndexOf("/subnets/", StringComparison.OrdinalIgnoreCase))];
            var vnet = _resources.GetValueOrDefault(ArmNames.Key(vnetId));
            var subnet = vnet is null ? null : Subnets(vnet).FirstOrDefault(s => Is(Str(s["id"]) ?? string.Empty, subnetId));
            if (subnet is null || vnet!.Location != location)
            {
                throw new ArmErrorException(400, "InvalidResourceReference", $"Resource {subnetId} referenced by resource {id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.");
            }

            var configProperties = (configuration["properties"] as JsonObject)?.DeepClone() as JsonObject ?? [];
            configProperties["subnet"] = new JsonObject { ["id"] = Str(subnet["id"]) };
            var allocation = Str(configProperties["privateIPAllocationMethod"]) ?? "Dynamic";
            configProperties["privateIPAllocationMethod"] = allocation;
            if (Is(allocation, "Dynamic") || Str(configProperties["privateIPAddress"]) is null)
            {
                configProperties["privateIPAddress"] = Str(existing is null ? null : FindIp(existing, name)) ?? NextAddress(subnet, id);
            }

            configProperties["primary"] = index == 0;
            configProperties["provisioningState"] = "Succeeded";
            built.Add(new JsonObject { ["id"] = reference, ["name"] = name, ["properties"] = configProperties });
            index++;
        }

        var body = Envelope(id, route.Name!, ArmNames.NetworkInterfaces, location, request);
        var stored = (JsonObject)properties.DeepClone();
        stored["ipConfigurations"] = built;
        stored["macAddress"] = Str(existing?.Properties["macAddress"]) ?? string.Join('-', Guid.NewGuid().ToByteArray()[..6].Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        if (existing?.Properties["virtualMachine"] is { } vm)
        {
            stored["virtualMachine"] = vm.DeepClone();
        }

        body["properties"] = stored;
        var resource = Store(route, id, location, body);
        return Accepted(resource, existing is null, route, baseUri, apiVersion, statusOnCreate: 201, locationHeader: false);
    }

    private static JsonNode? FindIp(StoredResource nic, string configurationName) =>
        (nic.Properties["ipConfigurations"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(c => Is(Str(c["name"]) ?? string.Empty, configurationName))?["properties"]?["privateIPAddress"];

    private string NextAddress(JsonObject subnet, string nicId)
    {
        ArmNames.TryParseCidr(Str(subnet["properties"]?["addressPrefix"]), out var network, out _);
        var used = _resources.Values
            .Where(r => r.Type == ArmNames.NetworkInterfaces && !Is(r.Id, nicId))
            .SelectMany(r => (r.Properties["ipConfigurations"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .Select(c => Str(c["properties"]?["privateIPAddress"]))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        for (var host = 4u; ; host++)
        {
            var candidate = ArmNames.FormatAddress(network + host);
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }
    }
}
