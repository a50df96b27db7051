using System.Globalization;
using System.Text.Json.Nodes;

namespace MigrateHub.LocalAzure.Arm;

/// <summary>The in-memory ARM: state and request handling (all state changes under one lock).</summary>
internal sealed partial class ArmService(LocalArmOptions options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredResourceGroup> _groups = [];
    private readonly Dictionary<string, StoredResource> _resources = [];
    private readonly Dictionary<string, PendingOperation> _operations = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<FaultRule> _faults = [];
    private readonly List<OperationFailureRule> _operationFailures = [];
    private readonly List<ArmRequestRecord> _requests = [];
    private readonly Dictionary<string, VmSize> _extraSizes = options.AdditionalVmSizes.ToDictionary(
        p => p.Key, p => new VmSize(p.Key, p.Value, Math.Min(32, p.Value * 2), SupportsGen2: true), StringComparer.OrdinalIgnoreCase);

    // Regional vCPU quotas by normalised location (from the options, raised at run time like a granted quota request).
    private readonly Dictionary<string, int> _quotas = options.VcpuQuotaPerRegion
        .GroupBy(p => ArmNames.NormalizeLocation(p.Key)).ToDictionary(g => g.Key, g => g.Last().Value);

    public int PollsBeforeDone { get; set; } = options.PollsBeforeDone;

    // ---- inspection -------------------------------------------------------------------------

    public IReadOnlyList<ArmResourceSnapshot> Resources(string? type, string? resourceGroup)
    {
        lock (_gate)
        {
            return _resources.Values
                .Where(r => type is null || string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase))
                .Where(r => resourceGroup is null || string.Equals(r.ResourceGroup, resourceGroup, StringComparison.OrdinalIgnoreCase))
                .OrderBy(r => r.Id, StringComparer.OrdinalIgnoreCase)
                .Select(r => r.Snapshot())
                .ToList();
        }
    }

    public IReadOnlyList<string> ResourceGroups()
    {
        lock (_gate)
        {
            return _groups.Values.Select(g => g.Id).Order(StringComparer.OrdinalIgnoreCase).ToList();
        }
    }

    public IReadOnlyList<ArmRequestRecord> Requests()
    {
        lock (_gate)
        {
            return [.. _requests];
        }
    }

    public void ClearRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    public void InjectFaults(string method, string resourceType, int count, int statusCode, TimeSpan? retryAfter)
    {
        lock (_gate)
        {
            _faults.Add(new FaultRule(method, resourceType, count, statusCode, retryAfter));
        }
    }

    public void InjectOperationFailures(string method, string resourceType, int count, string code, string message)
    {
        lock (_gate)
        {
            _operationFailures.Add(new OperationFailureRule(method, resourceType, count, code, message));
        }
    }

    public int PendingFaults()
    {
        lock (_gate)
        {
            return _faults.Sum(f => f.Remaining) + _operationFailures.Sum(f => f.Remaining);
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
            _operationFailures.Clear();
        }
    }

    /// <summary>Makes an accepted operation fail asynchronously if a rule asks for it.</summary>
    private void MaybeFail(PendingOperation operation, string method, string resourceType, Action onFail)
    {
        var rule = _operationFailures.FirstOrDefault(r => r.Remaining > 0 && r.Matches(method, resourceType));
        if (rule is not null)
        {
            rule.Remaining--;
            operation.FailureCode = rule.Code;
            operation.FailureMessage = rule.Message;
            operation.OnFail = onFail;
        }
    }

    public void AddVmSize(VmSize size)
    {
        lock (_gate)
        {
            _extraSizes[size.Name] = size;
        }
    }

    public void SetVcpuQuota(string location, int vcpus)
    {
        lock (_gate)
        {
            _quotas[ArmNames.NormalizeLocation(location)] = vcpus;
        }
    }

    public int VcpuUsage(string subscriptionId, string location)
    {
        lock (_gate)
        {
            return UsageLocked(subscriptionId, ArmNames.NormalizeLocation(location), excludeId: null);
        }
    }

    // ---- request entry ----------------------------------------------------------------------

    /// <summary>Handles one ARM request. <paramref name="baseUri"/> ends with '/'.</summary>
    public ArmResponse Handle(string method, string path, IReadOnlyDictionary<string, string> query, JsonNode? body, string baseUri)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        query.TryGetValue("api-version", out var apiVersion);
        var kind = ClassifyKind(segments);
        ArmResponse response;
        lock (_gate)
        {
            var fault = _faults.FirstOrDefault(f => f.Remaining > 0 && f.Matches(method, kind));
            if (fault is not null)
            {
                fault.Remaining--;
                response = FaultResponse(fault);
            }
            else
            {
                try
                {
                    if (string.IsNullOrEmpty(apiVersion))
                    {
                        throw new ArmErrorException(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
                    }

                    response = Dispatch(method, segments, query, body, baseUri, apiVersion);
                }
                catch (ArmErrorException e)
                {
                    response = ArmResponse.Error(e.Status, e.Code, e.Message, e.Target);
                }
                catch (Exception e) when (e is InvalidOperationException or FormatException or System.Text.Json.JsonException)
                {
                    // A property of the wrong JSON type (e.g. a number where a string belongs).
                    response = ArmResponse.Error(400, "InvalidRequestContent", $"The request content was invalid and could not be deserialized: '{e.Message}'.");
                }
            }

            _requests.Add(new ArmRequestRecord(method, "/" + string.Join('/', segments), apiVersion, kind, response.Status));
        }

        response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        response.Headers["x-ms-correlation-request-id"] = Guid.NewGuid().ToString();
        return response;
    }

    private static ArmResponse FaultResponse(FaultRule fault)
    {
        var response = fault.StatusCode switch
        {
            429 => ArmResponse.Error(429, "TooManyRequests", "The request is being throttled as the limit has been reached for operation type. Please retry after the time given in the Retry-After header."),
            503 => ArmResponse.Error(503, "ServiceUnavailable", "The service is temporarily unavailable. Please retry the request later."),
            502 => ArmResponse.Error(502, "BadGateway", "The gateway did not receive a response from the service."),
            504 => ArmResponse.Error(504, "GatewayTimeout", "The gateway did not receive a response within the specified time period."),
            _ => ArmResponse.Error(fault.StatusCode, "InternalServerError", "An internal execution error occurred. Please retry later."),
        };
        if (fault.RetryAfter is { } retryAfter)
        {
            response.Headers["Retry-After"] = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }

    private static string ClassifyKind(string[] s)
    {
        if (s.Length >= 2 && Is(s[0], "subscriptions"))
        {
            if (s.Length >= 8 && Is(s[2], "providers") && Is(s[4], "locations") && (Is(s[6], "operations") || Is(s[6], "operationResults")))
            {
                return ArmCallKinds.OperationPoll;
            }

            if (s.Length >= 4 && Is(s[2], "resourcegroups"))
            {
                if (s.Length >= 7 && Is(s[4], "providers"))
                {
                    return s.Length >= 10 && !IsVmAction(s)
                        ? ArmNames.CanonicalType($"{s[5]}/{s[6]}/{s[8]}")
                        : ArmNames.CanonicalType($"{s[5]}/{s[6]}");
                }

                return ArmCallKinds.ResourceGroups;
            }

            if (s.Length >= 3 && Is(s[2], "resourcegroups"))
            {
                return ArmCallKinds.ResourceGroups;
            }

            if (s.Length >= 4 && Is(s[2], "providers"))
            {
                return s.Length >= 5 ? ArmNames.CanonicalType($"{s[3]}/{s[4]}") : "Microsoft.Resources/providers";
            }

            return "Microsoft.Resources/subscriptions";
        }

        return string.Empty;

        static bool IsVmAction(string[] s) => s.Length == 9;
    }

    private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private ArmResponse Dispatch(string method, string[] s, IReadOnlyDictionary<string, string> query, JsonNode? body, string baseUri, string apiVersion)
    {
        if (s.Length < 2 || !Is(s[0], "subscriptions"))
        {
            throw new ArmErrorException(404, "InvalidRequestUri", "The request URI is not a valid Azure Resource Manager URI.");
        }

        var subscriptionId = s[1];
        if (!Guid.TryParse(subscriptionId, out _))
        {
            throw new ArmErrorException(400, "InvalidSubscriptionId", $"The provided subscription identifier '{subscriptionId}' is malformed or invalid.");
        }

        if (s.Length == 2)
        {
            return method == "GET" ? new ArmResponse(200, SubscriptionJson(subscriptionId)) : MethodNotAllowed(method);
        }

        if (Is(s[2], "providers"))
        {
            return HandleProviders(method, subscriptionId, s, baseUri);
        }

        if (!Is(s[2], "resourcegroups"))
        {
            throw new ArmErrorException(404, "InvalidRequestUri", $"The request URI '/{string.Join('/', s)}' is not supported by the local ARM endpoint.");
        }

        if (s.Length == 3)
        {
            return method == "GET"
                ? new ArmResponse(200, ValueList(_groups.Values.Where(g => Is(g.SubscriptionId, subscriptionId)).Select(g => (JsonNode)g.ToJson())))
                : MethodNotAllowed(method);
        }

        var groupName = s[3];
        if (s.Length == 4)
        {
            return HandleResourceGroup(method, subscriptionId, groupName, body, baseUri, apiVersion);
        }

        if (s.Length == 5 && Is(s[4], "resources"))
        {
            // Everything in a resource group (what GetGenericResources on a resource group lists).
            var inGroup = FindGroup(subscriptionId, groupName) ??
                throw new ArmErrorException(404, "ResourceGroupNotFound", $"Resource group '{groupName}' could not be found.");
            return method == "GET"
                ? new ArmResponse(200, ValueList(_resources.Values
                    .Where(r => Is(r.SubscriptionId, subscriptionId) && Is(r.ResourceGroup, inGroup.Name))
                    .OrderBy(r => r.Id, StringComparer.OrdinalIgnoreCase)
                    .Select(r => (JsonNode)r.Body.DeepClone())))
                : MethodNotAllowed(method);
        }

        if (s.Length < 7 || !Is(s[4], "providers"))
        {
            throw new ArmErrorException(404, "InvalidRequestUri", $"The request URI '/{string.Join('/', s)}' is not supported by the local ARM endpoint.");
        }

        var group = FindGroup(subscriptionId, groupName) ??
            throw new ArmErrorException(404, "ResourceGroupNotFound", $"Resource group '{groupName}' could not be found.");

        var route = s.Length switch
        {
            7 => new ArmRoute(subscriptionId, group.Name, s[5], s[6], null, null, null, null),
            8 => new ArmRoute(subscriptionId, group.Name, s[5], s[6], s[7], null, null, null),
            9 => new ArmRoute(subscriptionId, group.Name, s[5], s[6], s[7], null, null, s[8]),
            10 => new ArmRoute(subscriptionId, group.Name, s[5], s[6], s[7], s[8], s[9], null),
            _ => throw new ArmErrorException(404, "InvalidRequestUri", $"The request URI '/{string.Join('/', s)}' is not supported by the local ARM endpoint."),
        };

        if (!ArmNames.ApiVersions.ContainsKey(route.ParentType))
        {
            throw new ArmErrorException(400, "InvalidResourceType", $"The resource type '{route.Type}' could not be found in the namespace '{route.ProviderNamespace}' for api version '{apiVersion}'.");
        }

        return HandleResource(method, route, query, body, baseUri, apiVersion, group);
    }

    private static ArmResponse MethodNotAllowed(string method) =>
        ArmResponse.Error(405, "MethodNotAllowed", $"The requested resource does not support http method '{method}'.");

    private static JsonObject SubscriptionJson(string subscriptionId) => new()
    {
        ["id"] = $"/subscriptions/{subscriptionId}",
        ["subscriptionId"] = subscriptionId,
        ["tenantId"] = "00000000-0000-0000-0000-000000000001",
        ["displayName"] = "MigrateHub local subscription",
        ["state"] = "Enabled",
        ["subscriptionPolicies"] = new JsonObject { ["locationPlacementId"] = "Public_2014-09-01", ["quotaId"] = "Internal_2014-09-01", ["spendingLimit"] = "Off" },
        ["authorizationSource"] = "RoleBased",
    };

    private static JsonObject ValueList(IEnumerable<JsonNode> items) => new() { ["value"] = new JsonArray([.. items]) };

    // ---- providers --------------------------------------------------------------------------

    private ArmResponse HandleProviders(string method, string subscriptionId, string[] s, string baseUri)
    {
        if (s.Length == 3)
        {
            return method == "GET"
                ? new ArmResponse(200, ValueList(Namespaces().Select(ns => (JsonNode)ProviderJson(subscriptionId, ns))))
                : MethodNotAllowed(method);
        }

        if (s.Length == 8 && Is(s[4], "locations") && (Is(s[6], "operations") || Is(s[6], "operationResults")))
        {
            if (method != "GET")
            {
                return MethodNotAllowed(method);
            }

            return Is(s[6], "operations") ? PollStatus(s[7]) : PollResult(s[7], baseUri);
        }

        var ns = Namespaces().FirstOrDefault(n => Is(n, s[3])) ??
            throw new ArmErrorException(404, "InvalidResourceNamespace", $"The resource namespace '{s[3]}' is invalid.");

        if (s.Length == 4)
        {
            return method == "GET" ? new ArmResponse(200, ProviderJson(subscriptionId, ns)) : MethodNotAllowed(method);
        }

        if (s.Length == 5 && Is(s[4], "register"))
        {
            return method == "POST" ? new ArmResponse(200, ProviderJson(subscriptionId, ns)) : MethodNotAllowed(method);
        }

        if (s.Length == 5)
        {
            // Subscription-wide list, e.g. /subscriptions/x/providers/Microsoft.Compute/disks.
            var type = ArmNames.CanonicalType($"{ns}/{s[4]}");
            return method == "GET"
                ? new ArmResponse(200, ValueList(_resources.Values
                    .Where(r => Is(r.SubscriptionId, subscriptionId) && Is(r.Type, type))
                    .OrderBy(r => r.Id, StringComparer.OrdinalIgnoreCase)
                    .Select(r => (JsonNode)r.Body.DeepClone())))
                : MethodNotAllowed(method);
        }

        throw new ArmErrorException(404, "InvalidRequestUri", $"The request URI '/{string.Join('/', s)}' is not supported by the local ARM endpoint.");
    }

    private static IEnumerable<string> Namespaces() =>
        ArmNames.ApiVersions.Keys.Select(t => t[..t.IndexOf('/', StringComparison.Ordinal)]).Distinct(StringComparer.OrdinalIgnoreCase);

    private static JsonObject ProviderJson(string subscriptionId, string ns) => new()
    {
        ["id"] = $"/subscriptions/{subscriptionId}/providers/{ns}",
        ["namespace"] = ns,
        ["registrationState"] = "Registered",
        ["registrationPolicy"] = "RegistrationRequired",
        ["resourceTypes"] = new JsonArray([.. ArmNames.ApiVersions
            .Where(p => p.Key.StartsWith(ns + "/", StringComparison.OrdinalIgnoreCase))
            .Select(p => (JsonNode)new JsonObject
            {
                ["resourceType"] = p.Key[(ns.Length + 1)..],
                ["locations"] = new JsonArray("West Europe", "North Europe", "East US", "East US 2", "West US 2", "Sweden Central", "UK South"),
                ["apiVersions"] = new JsonArray([.. p.Value.Reverse().Select(v => (JsonNode)v!)]),
                ["capabilities"] = "None",
            })]),
    };

    // ---- long-running operations ------------------------------------------------------------

    private PendingOperation AddOperationHeaders(ArmResponse response, string subscriptionId, string ns, string location, string apiVersion, string baseUri,
        Action? onComplete, string? resultResourceId = null, bool asyncHeader = true, bool locationHeader = true)
    {
        var operation = new PendingOperation
        {
            Id = Guid.NewGuid().ToString(),
            SubscriptionId = subscriptionId,
            ProviderNamespace = ns,
            Location = location,
            ApiVersion = apiVersion,
            StartTime = time.GetUtcNow(),
            RemainingPolls = PollsBeforeDone,
            OnComplete = onComplete,
            ResultResourceId = resultResourceId,
        };
        _operations[operation.Id] = operation;
        var prefix = $"{baseUri}subscriptions/{subscriptionId}/providers/{ns}/locations/{location}";
        if (asyncHeader)
        {
            response.Headers["Azure-AsyncOperation"] = $"{prefix}/operations/{operation.Id}?api-version={apiVersion}";
        }

        if (locationHeader)
        {
            response.Headers["Location"] = $"{prefix}/operationResults/{operation.Id}?api-version={apiVersion}";
        }

        return operation;
    }

    private PendingOperation Advance(string id)
    {
        var operation = _operations.GetValueOrDefault(id) ??
            throw new ArmErrorException(404, "NotFound", $"The operation '{id}' was not found.");
        if (!operation.Done)
        {
            if (operation.RemainingPolls > 0)
            {
                operation.RemainingPolls--;
            }
            else
            {
                operation.Done = true;
                operation.EndTime = time.GetUtcNow();
                if (operation.FailureCode is null)
                {
                    operation.OnComplete?.Invoke();
                }
                else
                {
                    operation.OnFail?.Invoke();
                }
            }
        }

        return operation;
    }

    private ArmResponse PollStatus(string id)
    {
        var operation = Advance(id);
        var status = new JsonObject
        {
            ["name"] = operation.Id,
            ["status"] = !operation.Done ? "InProgress" : operation.FailureCode is null ? "Succeeded" : "Failed",
            ["startTime"] = operation.StartTime.ToString("O", CultureInfo.InvariantCulture),
        };
        if (operation.EndTime is { } end)
        {
            status["endTime"] = end.ToString("O", CultureInfo.InvariantCulture);
        }

        if (operation.Done && operation.FailureCode is { } code)
        {
            status["error"] = new JsonObject { ["code"] = code, ["message"] = operation.FailureMessage };
        }

        return new ArmResponse(200, status);
    }

    private ArmResponse PollResult(string id, string baseUri)
    {
        var operation = Advance(id);
        if (!operation.Done)
        {
            var pending = new ArmResponse(202);
            pending.Headers["Location"] = $"{baseUri}subscriptions/{operation.SubscriptionId}/providers/{operation.ProviderNamespace}/locations/{operation.Location}/operationResults/{operation.Id}?api-version={operation.ApiVersion}";
            return pending;
        }

        if (operation.FailureCode is { } code)
        {
            return ArmResponse.Error(400, code, operation.FailureMessage ?? code);
        }

        if (operation.ResultResourceId is { } resourceId && _resources.TryGetValue(ArmNames.Key(resourceId), out var resource))
        {
            return new ArmResponse(200, resource.Body.DeepClone());
        }

        return new ArmResponse(200);
    }

    // ---- resource groups --------------------------------------------------------------------

    private StoredResourceGroup? FindGroup(string subscriptionId, string name) =>
        _groups.GetValueOrDefault(ArmNames.Key($"/subscriptions/{subscriptionId}/resourceGroups/{name}"));

    private ArmResponse HandleResourceGroup(string method, string subscriptionId, string name, JsonNode? body, string baseUri, string apiVersion)
    {
        var key = ArmNames.Key($"/subscriptions/{subscriptionId}/resourceGroups/{name}");
        var existing = _groups.GetValueOrDefault(key);
        switch (method)
        {
            case "GET":
                return existing is null
                    ? ArmResponse.Error(404, "ResourceGroupNotFound", $"Resource group '{name}' could not be found.")
                    : new ArmResponse(200, existing.ToJson());
            case "HEAD":
                return new ArmResponse(existing is null ? 404 : 204);
            case "PUT":
            case "PATCH":
            {
                if (!ArmNames.IsValidResourceGroupName(name))
                {
                    throw new ArmErrorException(400, "InvalidParameter", $"The resource group name '{name}' is invalid. It can be up to 90 characters long, may contain letters, digits, '_', '-', '.', '(' and ')' and must not end with '.'.", "resourceGroupName");
                }

                var location = body?["location"]?.GetValue<string>();
                if (existing is null && string.IsNullOrWhiteSpace(location))
                {
                    throw new ArmErrorException(400, "LocationRequired", "The location property is required for this definition.");
                }

                if (existing is not null)
                {
                    if (location is not null && ArmNames.NormalizeLocation(location) != existing.Location)
                    {
                        throw new ArmErrorException(409, "InvalidResourceGroupLocation", $"Invalid resource group location '{ArmNames.NormalizeLocation(location)}'. The Resource group already exists in location '{existing.Location}'.");
                    }

                    if (body?["tags"] is { } tags)
                    {
                        existing.Tags = tags.DeepClone();
                    }

                    return new ArmResponse(200, existing.ToJson());
                }

                var group = new StoredResourceGroup
                {
                    Id = $"/subscriptions/{subscriptionId}/resourceGroups/{name}",
                    SubscriptionId = subscriptionId,
                    Name = name,
                    Location = ArmNames.NormalizeLocation(location!),
                    Tags = body?["tags"]?.DeepClone(),
                };
                _groups[key] = group;
                return new ArmResponse(201, group.ToJson());
            }

            case "DELETE":
            {
                if (existing is null)
                {
                    return ArmResponse.Error(404, "ResourceGroupNotFound", $"Resource group '{name}' could not be found.");
                }

                existing.ProvisioningState = "Deleting";
                var response = new ArmResponse(202);
                AddOperationHeaders(response, subscriptionId, "Microsoft.Resources", existing.Location, apiVersion, baseUri, () =>
                {
                    _groups.Remove(key);
                    foreach (var resource in _resources.Values.Where(r => Is(r.SubscriptionId, subscriptionId) && Is(r.ResourceGroup, name)).ToList())
                    {
                        RemoveResource(resource);
                    }
                }, asyncHeader: false);
                return response;
            }

            default:
                return MethodNotAllowed(method);
        }
    }

    // ---- resources --------------------------------------------------------------------------

    private ArmResponse HandleResource(string method, ArmRoute route, IReadOnlyDictionary<string, string> query, JsonNode? body, string baseUri, string apiVersion, StoredResourceGroup group)
    {
        if (route.Name is null)
        {
            return method == "GET"
                ? new ArmResponse(200, ValueList(_resources.Values
                    .Where(r => Is(r.SubscriptionId, route.SubscriptionId) && Is(r.ResourceGroup, group.Name) && Is(r.Type, route.FullType))
                    .OrderBy(r => r.Id, StringComparer.OrdinalIgnoreCase)
                    .Select(r => (JsonNode)r.Body.DeepClone())))
                : MethodNotAllowed(method);
        }

        if (route.FullType == ArmNames.Subnets)
        {
            return HandleSubnet(method, route, body, baseUri, apiVersion);
        }

        var id = $"/subscriptions/{route.SubscriptionId}/resourceGroups/{group.Name}/providers/{route.ParentType}/{route.Name}";
        var existing = _resources.GetValueOrDefault(ArmNames.Key(id));

        if (route.Action is not null && route.ParentType == ArmNames.VirtualNetworks && Is(route.Action, "subnets"))
        {
            return method == "GET"
                ? new ArmResponse(200, ValueList(existing is null ? throw NotFound(route.ParentType, route.Name, group.Name) : Subnets(existing).Select(n => n.DeepClone())))
                : MethodNotAllowed(method);
        }

        if (route.Action is not null)
        {
            if (route.ParentType != ArmNames.VirtualMachines)
            {
                throw new ArmErrorException(404, "InvalidRequestUri", $"The action '{route.Action}' is not supported on '{route.ParentType}' by the local ARM endpoint.");
            }

            return HandleVmAction(method, route.Action, existing ?? throw NotFound(route.ParentType, route.Name, group.Name), baseUri, apiVersion);
        }

        switch (method)
        {
            case "GET":
                if (existing is null)
                {
                    throw NotFound(route.ParentType, route.Name, group.Name);
                }

                var json = (JsonObject)existing.Body.DeepClone();
                if (existing.Type == ArmNames.VirtualMachines && query.TryGetValue("$expand", out var expand) && Is(expand, "instanceView"))
                {
                    ((JsonObject)json["properties"]!)["instanceView"] = InstanceView(existing);
                }

                return new ArmResponse(200, json);

            case "PUT":
            {
                if (body is not JsonObject request)
                {
                    throw new ArmErrorException(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: the body must be a JSON object.");
                }

                var location = request["location"]?.GetValue<string>();
                if (string.IsNullOrWhiteSpace(location))
                {
                    throw new ArmErrorException(400, "LocationRequired", "The location property is required for this definition.");
                }

                location = ArmNames.NormalizeLocation(location);
                if (existing is not null && existing.Location != location)
                {
                    throw new ArmErrorException(409, "InvalidResourceLocation", $"The resource '{route.Name}' already exists in location '{existing.Location}' in resource group '{group.Name}'. A resource with the same name cannot be created in location '{location}'. Please select a new resource name.");
                }

                if (existing is not null && existing.ProvisioningState == "Deleting")
                {
                    throw new ArmErrorException(409, "OperationNotAllowed", $"The resource '{id}' is being deleted; it cannot be updated.");
                }

                return route.ParentType switch
                {
                    ArmNames.Disks or ArmNames.Snapshots => PutDisk(route, id, location, request, existing, baseUri, apiVersion),
                    ArmNames.VirtualMachines => PutVm(route, id, location, request, existing, baseUri, apiVersion),
                    ArmNames.NetworkInterfaces => PutNic(route, id, location, request, existing, baseUri, apiVersion),
                    ArmNames.VirtualNetworks => PutVnet(route, id, location, request, existing, baseUri, apiVersion),
                    _ => PutGeneric(route, id, location, request, existing, baseUri, apiVersion),
                };
            }

            case "DELETE":
            {
                if (existing is null)
                {
                    return new ArmResponse(204);
                }

                if (existing.ProvisioningState == "Deleting")
                {
                    var again = new ArmResponse(202);
                    AddOperationHeaders(again, route.SubscriptionId, route.ProviderNamespace, existing.Location, apiVersion, baseUri, null);
                    return again;
                }

                ValidateDelete(existing);
                existing.ProvisioningState = "Deleting";
                var response = new ArmResponse(202);
                var deletion = AddOperationHeaders(response, route.SubscriptionId, route.ProviderNamespace, existing.Location, apiVersion, baseUri, () => RemoveResource(existing));
                MaybeFail(deletion, "DELETE", existing.Type, () => existing.ProvisioningState = "Succeeded");
                return response;
            }

            default:
                return MethodNotAllowed(method);
        }
    }

    private static ArmErrorException NotFound(string type, string name, string group) =>
        new(404, "ResourceNotFound", $"The Resource '{type}/{name}' under resource group '{group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");

    private void ValidateDelete(StoredResource resource)
    {
        switch (resource.Type)
        {
            case ArmNames.Disks:
                if (resource.Body["managedBy"]?.GetValue<string>() is { } vmId)
                {
                    throw new ArmErrorException(409, "OperationNotAllowed", $"Disk {resource.Name} is attached to VM {vmId}.");
                }

                break;
            case ArmNames.NetworkInterfaces:
                if (resource.Properties["virtualMachine"]?["id"]?.GetValue<string>() is { } owner)
                {
                    throw new ArmErrorException(400, "NicInUse", $"Network Interface {resource.Id} is used by existing resource {owner}. In order to delete the network interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic.");
                }

                break;
            case ArmNames.VirtualNetworks:
                foreach (var subnet in Subnets(resource))
                {
                    var subnetId = subnet["id"]!.GetValue<string>();
                    if (SubnetUser(subnetId) is { } user)
                    {
                        throw new ArmErrorException(400, "InUseSubnetCannotBeDeleted", $"Subnet {subnet["name"]} is in use by {user} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.");
                    }
                }

                break;
        }
    }

    private void RemoveResource(StoredResource resource)
    {
        _resources.Remove(ArmNames.Key(resource.Id));
        if (resource.Type == ArmNames.VirtualMachines)
        {
            OnVmRemoved(resource);
        }
    }

    private StoredResource Store(ArmRoute route, string id, string location, JsonObject body)
    {
        var resource = new StoredResource
        {
            Id = id,
            Type = route.ParentType,
            Name = route.Name!,
            SubscriptionId = route.SubscriptionId,
            ResourceGroup = route.ResourceGroup,
            Location = location,
            Body = body,
        };
        _resources[ArmNames.Key(id)] = resource;
        return resource;
    }

    private static JsonObject Envelope(string id, string name, string type, string location, JsonObject request)
    {
        var body = new JsonObject
        {
            ["id"] = id,
            ["name"] = name,
            ["type"] = type,
            ["location"] = location,
        };
        if (request["tags"] is { } tags)
        {
            body["tags"] = tags.DeepClone();
        }

        return body;
    }

    private ArmResponse PutGeneric(ArmRoute route, string id, string location, JsonObject request, StoredResource? existing, string baseUri, string apiVersion)
    {
        if (!ArmNames.IsValidNetworkName(route.Name!))
        {
            throw InvalidName(route.Name!, 80);
        }

        var body = Envelope(id, route.Name!, route.ParentType, location, request);
        var properties = request["properties"]?.DeepClone() as JsonObject ?? [];
        body["properties"] = properties;
        var resource = Store(route, id, location, body);
        return Accepted(resource, existing is null, route, baseUri, apiVersion, statusOnCreate: 201, locationHeader: false);
    }

    private ArmResponse Accepted(StoredResource resource, bool created, ArmRoute route, string baseUri, string apiVersion, int statusOnCreate, bool locationHeader)
    {
        resource.ProvisioningState = created ? "Creating" : "Updating";
        var response = new ArmResponse(created ? statusOnCreate : 200, resource.Body.DeepClone());
        var operation = AddOperationHeaders(response, route.SubscriptionId, route.ProviderNamespace, resource.Location, apiVersion, baseUri,
            () => resource.ProvisioningState = "Succeeded", resultResourceId: resource.Id, locationHeader: locationHeader);
        MaybeFail(operation, "PUT", resource.Type, () => resource.ProvisioningState = "Failed");
        return response;
    }

    private static ArmErrorException InvalidName(string name, int maxLength) =>
        new(400, "InvalidResourceName", $"Resource name {name} is invalid. The name can be up to {maxLength} characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.");

    private static string? Str(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static List<string> Zones(JsonObject request)
    {
        var zones = new List<string>();
        if (request["zones"] is JsonArray array)
        {
            foreach (var zone in array)
            {
                var z = Str(zone);
                if (z is not ("1" or "2" or "3"))
                {
                    throw new ArmErrorException(400, "InvalidParameter", $"The value '{zone?.ToJsonString()}' of parameter 'zones' is invalid. Allowed values are '1', '2' and '3'.", "zones");
                }

                zones.Add(z);
            }
        }

        if (zones.Count > 1)
        {
            throw new ArmErrorException(400, "InvalidParameter", "A resource can be placed in at most one availability zone.", "zones");
        }

        return zones;
    }
}
