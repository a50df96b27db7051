using System.Globalization;
using System.Text.Json.Nodes;

namespace MigrateHub.LocalAzure.Arm;

internal sealed partial class ArmService
{
    private const long GiB = 1024L * 1024 * 1024;

    // ---- disks and snapshots ----------------------------------------------------------------

    private ArmResponse PutDisk(ArmRoute route, string id, string location, JsonObject request, StoredResource? existing, string baseUri, string apiVersion)
    {
        var name = route.Name!;
        if (!ArmNames.IsValidDiskName(name))
        {
            throw InvalidName(name, 80);
        }

        var isSnapshot = route.ParentType == ArmNames.Snapshots;
        var requestProperties = request["properties"] as JsonObject ??
            throw new ArmErrorException(400, "InvalidParameter", "Required parameter 'properties' is missing (null).", "properties");
        var creation = requestProperties["creationData"] as JsonObject ??
            throw new ArmErrorException(400, "InvalidParameter", "Required parameter 'creationData' is missing (null).", "creationData");
        var createOption = Str(creation["createOption"]) ??
            throw new ArmErrorException(400, "InvalidParameter", "Required parameter 'creationData.createOption' is missing (null).", "creationData.createOption");

        var sku = Str(request["sku"]?["name"]) ?? Str(existing?.Body["sku"]?["name"]) ?? "Standard_LRS";
        var knownSku = ArmNames.DiskSkus.FirstOrDefault(s => Is(s, sku)) ??
            throw new ArmErrorException(400, "InvalidParameter", $"The value '{sku}' of parameter 'sku.name' is invalid. Allowed values are {string.Join(", ", ArmNames.DiskSkus)}.", "sku.name");

        var zones = Zones(request);
        int? sizeGb = requestProperties["diskSizeGB"] is JsonValue sizeNode && sizeNode.TryGetValue<int>(out var s) ? s : null;
        var osType = Str(requestProperties["osType"]);
        var generation = Str(requestProperties["hyperVGeneration"]);

        switch (createOption.ToUpperInvariant())
        {
            case "EMPTY":
                if (isSnapshot)
                {
                    throw new ArmErrorException(400, "InvalidParameter", "A snapshot cannot be created with createOption 'Empty'.", "creationData.createOption");
                }

                if (sizeGb is null)
                {
                    throw new ArmErrorException(400, "InvalidParameter", "Required parameter 'diskSizeGB' is missing (null).", "diskSizeGB");
                }

                break;
            case "IMPORT":
                var sourceUri = Str(creation["sourceUri"]);
                if (sourceUri is null || !Uri.TryCreate(sourceUri, UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttps)
                {
                    throw new ArmErrorException(400, "InvalidParameter", "Required parameter 'creationData.sourceUri' is missing or is not an https blob URI.", "creationData.sourceUri");
                }

                if (Str(creation["storageAccountId"]) is null)
                {
                    throw new ArmErrorException(400, "InvalidParameter", "Required parameter 'storageAccountId' is missing (null).", "creationData.storageAccountId");
                }

                break;
            case "COPY":
                var sourceId = Str(creation["sourceResourceId"]) ??
                    throw new ArmErrorException(400, "InvalidParameter", "Required parameter 'creationData.sourceResourceId' is missing (null).", "creationData.sourceResourceId");
                var source = _resources.GetValueOrDefault(ArmNames.Key(sourceId));
                if (source is null || (source.Type != ArmNames.Disks && source.Type != ArmNames.Snapshots))
                {
                    throw new ArmErrorException(404, "NotFound", $"Source resource '{sourceId}' of the copy was not found. It must be an existing managed disk or snapshot.", "creationData.sourceResourceId");
                }

                if (source.Location != location)
                {
                    throw new ArmErrorException(400, "InvalidParameter", $"The source resource '{sourceId}' is in location '{source.Location}', but '{id}' is being created in '{location}'. A copy must be created in the source's region.", "creationData.sourceResourceId");
                }

                var sourceSize = source.Properties["diskSizeGB"]?.GetValue<int>();
                if (sizeGb is not null && sourceSize is not null && sizeGb < sourceSize)
                {
                    throw new ArmErrorException(400, "InvalidParameter", $"The disk size {sizeGb} GB is smaller than the size of the source, {sourceSize} GB. Disk size reduction is not supported.", "diskSizeGB");
                }

                sizeGb ??= sourceSize;
                osType ??= Str(source.Properties["osType"]);
                generation ??= Str(source.Properties["hyperVGeneration"]);
                break;
            default:
                throw new ArmErrorException(400, "InvalidParameter", $"The value '{createOption}' of parameter 'creationData.createOption' is not supported by the local ARM endpoint (Empty, Import and Copy are).", "creationData.createOption");
        }

        if (sizeGb is < 1 or > 32767)
        {
            throw new ArmErrorException(400, "InvalidParameter", $"The value '{sizeGb}' of parameter 'diskSizeGB' is invalid. It must be between 1 and 32767.", "diskSizeGB");
        }

        if (osType is not null && !Is(osType, "Windows") && !Is(osType, "Linux"))
        {
            throw new ArmErrorException(400, "InvalidParameter", $"The value '{osType}' of parameter 'osType' is invalid. Allowed values are Windows, Linux.", "osType");
        }

        if (generation is not null && !Is(generation, "V1") && !Is(generation, "V2"))
        {
            throw new ArmErrorException(400, "InvalidParameter", $"The value '{generation}' of parameter 'hyperVGeneration' is invalid. Allowed values are V1, V2.", "hyperVGeneration");
        }

        if (existing is not null)
        {
            var currentSize = existing.Properties["diskSizeGB"]?.GetValue<int>();
            if (sizeGb is not null && currentSize is not null && sizeGb < currentSize)
            {
                throw new ArmErrorException(400, "BadRequest", $"Disk size reduction is not supported. Current size is {currentSize} GB, requested size is {sizeGb} GB.");
            }

            if (!Is(Str(existing.Properties["creationData"]?["createOption"]) ?? string.Empty, createOption))
            {
                throw new ArmErrorException(409, "PropertyChangeNotAllowed", "Changing property 'creationData.createOption' is not allowed.", "creationData.createOption");
            }
        }

        var body = Envelope(id, name, route.ParentType, location, request);
        body["sku"] = new JsonObject { ["name"] = knownSku, ["tier"] = knownSku.StartsWith("Premium", StringComparison.Ordinal) ? "Premium" : "Standard" };
        if (zones.Count > 0)
        {
            body["zones"] = new JsonArray([.. zones.Select(z => (JsonNode)z!)]);
        }

        var properties = new JsonObject
        {
            ["creationData"] = creation.DeepClone(),
            ["timeCreated"] = Str(existing?.Properties["timeCreated"]) ?? time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            ["uniqueId"] = Str(existing?.Properties["uniqueId"]) ?? Guid.NewGuid().ToString(),
        };
        if (sizeGb is not null)
        {
            properties["diskSizeGB"] = sizeGb;
            properties["diskSizeBytes"] = sizeGb.Value * GiB;
        }

        if (osType is not null)
        {
            properties["osType"] = Is(osType, "Windows") ? "Windows" : "Linux";
        }

        if (generation is not null)
        {
            properties["hyperVGeneration"] = generation.ToUpperInvariant();
        }

        if (!isSnapshot)
        {
            var managedBy = Str(existing?.Body["managedBy"]);
            properties["diskState"] = managedBy is null ? "Unattached" : "Attached";
            if (managedBy is not null)
            {
                body["managedBy"] = managedBy;
            }
        }

        body["properties"] = properties;
        var resource = Store(route, id, location, body);
        return Accepted(resource, existing is null, route, baseUri, apiVersion, statusOnCreate: 202, locationHeader: true);
    }

    // ---- virtual machines -------------------------------------------------------------------

    private VmSize? FindSize(string name) => VmSizeCatalog.Find(name) ?? _extraSizes.GetValueOrDefault(name);

    private int QuotaFor(string location) => _quotas.TryGetValue(location, out var limit) ? limit : options.DefaultVcpuQuotaPerRegion;

    private int UsageLocked(string subscriptionId, string location, string? excludeId) =>
        _resources.Values
            .Where(r => r.Type == ArmNames.VirtualMachines && Is(r.SubscriptionId, subscriptionId) && r.Location == location)
            .Where(r => excludeId is null || !Is(r.Id, excludeId))
            .Sum(r => FindSize(Str(r.Properties["hardwareProfile"]?["vmSize"]) ?? string.Empty)?.VCpus ?? 0);

    private ArmResponse PutVm(ArmRoute route, string id, string location, JsonObject request, StoredResource? existing, string baseUri, string apiVersion)
    {
        var name = route.Name!;
        if (!ArmNames.IsValidVmName(name))
        {
            throw new ArmErrorException(400, "InvalidResourceName", $"Resource name {name} is invalid. The name can be up to 64 characters long, may contain letters, digits, '.', '-' and '_', and must not end with '.' or '-'.");
        }

        var properties = request["properties"] as JsonObject ??
            throw new ArmErrorException(400, "InvalidParameter", "Required parameter 'properties' is missing (null).", "properties");

        var sizeName = Str(properties["hardwareProfile"]?["vmSize"]) ??
            throw new ArmErrorException(400, "InvalidParameter", "Required parameter 'hardwareProfile.vmSize' is missing (null).", "vmSize");
        var size = FindSize(sizeName) ?? throw new ArmErrorException(400, "InvalidParameter",
            $"The value {sizeName} provided for the VM size is not valid. The valid sizes in the current region are: {string.Join(",", VmSizeCatalog.All.Select(v => v.Name).Concat(_extraSizes.Keys))}.", "vmSize");

        var zones = Zones(request);
        var licenseType = Str(properties["licenseType"]);
        if (licenseType is not null && !ArmNames.LicenseTypes.Any(l => Is(l, licenseType)))
        {
            throw new ArmErrorException(400, "InvalidParameter", $"The value '{licenseType}' of parameter 'licenseType' is invalid. Allowed values are {string.Join(", ", ArmNames.LicenseTypes)}.", "licenseType");
        }

        // Storage profile: only attaching existing managed disks (what a migration does).
        var storage = properties["storageProfile"] as JsonObject ??
            throw new ArmErrorException(400, "InvalidParameter", "Required parameter 'storageProfile' is missing (null).", "storageProfile");
        var osDiskRequest = storage["osDisk"] as JsonObject ??
            throw new ArmErrorException(400, "InvalidParameter", "Required parameter 'osDisk' is missing (null).", "osDisk");
        var osCreateOption = Str(osDiskRequest["createOption"]);
        if (!Is(osCreateOption ?? string.Empty, "Attach"))
        {
            throw new ArmErrorException(400, "InvalidParameter", $"The value '{osCreateOption}' of parameter 'osDisk.createOption' is not supported by the local ARM endpoint: only 'Attach' of an existing managed disk is.", "osDisk.createOption");
        }

        var osDisk = ReferencedDisk(Str(osDiskRequest["managedDisk"]?["id"]), id, location, zones, "osDisk.managedDisk.id");
        var osType = Str(osDiskRequest["osType"]) ?? Str(osDisk.Properties["osType"]) ??
            throw new ArmErrorException(400, "InvalidParameter", "Required parameter 'osDisk.osType' is missing (null).", "osDisk.osType");

        var dataDisks = new List<(int Lun, StoredResource Disk, JsonObject Request)>();
        if (storage["dataDisks"] is JsonArray dataArray)
        {
            foreach (var item in dataArray.OfType<JsonObject>())
            {
                var lun = item["lun"] is JsonValue lunNode && lunNode.TryGetValue<int>(out var l) ? l
                    : throw new ArmErrorException(400, "InvalidParameter", "Required parameter 'dataDisk.lun' is missing (null).", "dataDisks.lun");
                if (lun is < 0 or > 63 || dataDisks.Any(d => d.Lun == lun))
                {
                    throw new ArmErrorException(400, "InvalidParameter", $"The data disk LUN {lun} is invalid or used by more than one data disk. LUNs must be unique and between 0 and 63.", "dataDisks.lun");
                }

                if (!Is(Str(item["createOption"]) ?? string.Empty, "Attach"))
                {
                    throw new ArmErrorException(400, "InvalidParameter", $"The value '{Str(item["createOption"])}' of parameter 'dataDisk.createOption' is not supported by the local ARM endpoint: only 'Attach' is.", "dataDisks.createOption");
                }

                var disk = ReferencedDisk(Str(item["managedDisk"]?["id"]), id, location, zones, "dataDisks.managedDisk.id");
                if (Is(disk.Id, osDisk.Id) || dataDisks.Any(d => Is(d.Disk.Id, disk.Id)))
                {
                    throw new ArmErrorException(400, "InvalidParameter", $"Disk '{disk.Id}' is referenced more than once by the virtual machine.", "dataDisks");
                }

                dataDisks.Add((lun, disk, item));
            }
        }

        if (dataDisks.Count > size.MaxDataDisks)
        {
            throw new ArmErrorException(409, "OperationNotAllowed", $"The maximum number of data disks allowed to be attached to a VM of this size is {size.MaxDataDisks}.", "dataDisks");
        }

        var generation = Str(osDisk.Properties["hyperVGeneration"]) ?? "V1";
        if (Is(generation, "V2") && !size.SupportsGen2)
        {
            throw new ArmErrorException(400, "BadRequest", $"The selected VM size '{size.Name}' cannot boot Hypervisor Generation '2'. If this was a Create operation please check that the Hypervisor Generation of the Image matches the Hypervisor Generation of the selected VM Size. If this was an Update operation please select a Hypervisor Generation '2' VM Size.");
        }

        // Network profile: existing NICs in the same region, not used by another VM.
        var nics = new List<(StoredResource Nic, JsonObject Request)>();
        if (properties["networkProfile"]?["networkInterfaces"] is JsonArray nicArray)
        {
            foreach (var item in nicArray.OfType<JsonObject>())
            {
                var nicId = Str(item["id"]) ??
                    throw new ArmErrorException(400, "InvalidParameter", "Required parameter 'networkInterface.id' is missing (null).", "networkProfile.networkInterfaces.id");
                var nic = _resources.GetValueOrDefault(ArmNames.Key(nicId));
                if (nic is null || nic.Type != ArmNames.NetworkInterfaces)
                {
                    throw new ArmErrorException(404, "NotFound", $"Network interface '{nicId}' referenced by virtual machine '{id}' was not found.", "networkProfile.networkInterfaces");
                }

                if (nic.Location != location)
                {
                    throw new ArmErrorException(400, "InvalidParameter", $"Network interface '{nicId}' is in location '{nic.Location}', but virtual machine '{id}' is in location '{location}'. A VM and its network interfaces must be in the same region.", "networkProfile.networkInterfaces");
                }

                if (Str(nic.Properties["virtualMachine"]?["id"]) is { } owner && !Is(owner, id))
                {
                    throw new ArmErrorException(400, "InvalidParameter", $"Network interface '{nicId}' is already used by virtual machine '{owner}'.", "networkProfile.networkInterfaces");
                }

                nics.Add((nic, item));
            }
        }

        if (nics.Count == 0)
        {
            throw new ArmErrorException(400, "InvalidParameter", "The virtual machine must have at least one network interface: 'networkProfile.networkInterfaces' is missing or empty.", "networkProfile.networkInterfaces");
        }

        if (nics.Count > 1 && nics.Count(n => n.Request["properties"]?["primary"]?.GetValue<bool>() == true) != 1)
        {
            throw new ArmErrorException(400, "InvalidParameter", "Virtual machine with multiple network interfaces must have exactly one primary network interface.", "networkProfile.networkInterfaces");
        }

        // Regional vCPU quota (allocated and deallocated VMs both count, as in Azure).
        var limit = QuotaFor(location);
        var usage = UsageLocked(route.SubscriptionId, location, excludeId: id);
        if (usage + size.VCpus > limit)
        {
            throw new ArmErrorException(409, "OperationNotAllowed",
                $"Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: {location}, Current Limit: {limit}, Current Usage: {usage}, Additional Required: {size.VCpus}, (Minimum) New Limit Required: {usage + size.VCpus}. Submit a request for Quota increase by specifying parameters listed in the 'Details' section for deployment to succeed.");
        }

        // Accepted: detach what a previous version attached, then attach.
        if (existing is not null)
        {
            OnVmRemoved(existing);
        }

        var body = Envelope(id, name, ArmNames.VirtualMachines, location, request);
        if (zones.Count > 0)
        {
            body["zones"] = new JsonArray([.. zones.Select(z => (JsonNode)z!)]);
        }

        var responseProperties = new JsonObject
        {
            ["vmId"] = Str(existing?.Properties["vmId"]) ?? Guid.NewGuid().ToString(),
            ["hardwareProfile"] = new JsonObject { ["vmSize"] = size.Name },
            ["storageProfile"] = new JsonObject
            {
                ["osDisk"] = DiskReference(osDisk, osDiskRequest, lun: null, osType),
                ["dataDisks"] = new JsonArray([.. dataDisks.Select(d => (JsonNode)DiskReference(d.Disk, d.Request, d.Lun, null))]),
            },
            ["networkProfile"] = new JsonObject
            {
                ["networkInterfaces"] = new JsonArray([.. nics.Select(n => (JsonNode)new JsonObject
                {
                    ["id"] = n.Nic.Id,
                    ["properties"] = new JsonObject { ["primary"] = nics.Count == 1 || n.Request["properties"]?["primary"]?.GetValue<bool>() == true },
                })]),
            },
            ["timeCreated"] = Str(existing?.Properties["timeCreated"]) ?? time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
        };
        if (licenseType is not null)
        {
            responseProperties["licenseType"] = ArmNames.LicenseTypes.First(l => Is(l, licenseType));
        }

        if (properties["diagnosticsProfile"] is JsonObject diagnostics)
        {
            responseProperties["diagnosticsProfile"] = diagnostics.DeepClone();
        }

        body["properties"] = responseProperties;
        var resource = Store(route, id, location, body);
        resource.PowerState = existing?.PowerState ?? "running";
        resource.HyperVGeneration = generation.ToUpperInvariant();

        foreach (var disk in dataDisks.Select(d => d.Disk).Prepend(osDisk))
        {
            disk.Body["managedBy"] = id;
            disk.Properties["diskState"] = "Attached";
        }

        foreach (var (nic, _) in nics)
        {
            nic.Properties["virtualMachine"] = new JsonObject { ["id"] = id };
        }

        return Accepted(resource, existing is null, route, baseUri, apiVersion, statusOnCreate: 201, locationHeader: false);
    }

    private StoredResource ReferencedDisk(string? diskId, string vmId, string location, List<string> vmZones, string target)
    {
        if (diskId is null)
        {
            throw new ArmErrorException(400, "InvalidParameter", $"Required parameter '{target}' is missing (null).", target);
        }

        var disk = _resources.GetValueOrDefault(ArmNames.Key(diskId));
        if (disk is null || disk.Type != ArmNames.Disks)
        {
            throw new ArmErrorException(404, "NotFound", $"Disk '{diskId}' referenced by virtual machine '{vmId}' was not found.", target);
        }

        if (disk.Location != location)
        {
            throw new ArmErrorException(400, "InvalidParameter", $"Disk '{diskId}' is in location '{disk.Location}', but virtual machine '{vmId}' is in location '{location}'. A VM and its disks must be in the same region.", target);
        }

        if (Str(disk.Body["managedBy"]) is { } owner && !Is(owner, vmId))
        {
            throw new ArmErrorException(409, "ConflictingUserInput", $"Disk '{disk.Name}' cannot be attached as the disk is already owned by VM '{owner}'.", target);
        }

        var diskZone = (disk.Body["zones"] as JsonArray)?.Select(Str).FirstOrDefault();
        var vmZone = vmZones.FirstOrDefault();
        if (diskZone is not null && diskZone != vmZone)
        {
            throw new ArmErrorException(400, "InvalidParameter", $"Disk '{disk.Name}' is in availability zone '{diskZone}' and cannot be attached to virtual machine '{vmId}' placed in zone '{vmZone ?? "(none)"}'.", target);
        }

        return disk;
    }

    private static JsonObject DiskReference(StoredResource disk, JsonObject request, int? lun, string? osType)
    {
        var reference = new JsonObject();
        if (lun is not null)
        {
            reference["lun"] = lun;
        }

        if (osType is not null)
        {
            reference["osType"] = Is(osType, "Windows") ? "Windows" : "Linux";
        }

        reference["name"] = disk.Name;
        reference["createOption"] = "Attach";
        reference["caching"] = Str(request["caching"]) ?? (lun is null ? "ReadWrite" : "None");
        reference["managedDisk"] = new JsonObject
        {
            ["id"] = disk.Id,
            ["storageAccountType"] = Str(disk.Body["sku"]?["name"]),
        };
        reference["diskSizeGB"] = disk.Properties["diskSizeGB"]?.DeepClone();
        reference["deleteOption"] = Str(request["deleteOption"]) ?? "Detach";
        return reference;
    }

    private void OnVmRemoved(StoredResource vm)
    {
        var storage = vm.Properties["storageProfile"] as JsonObject;
        var disks = new List<JsonObject>();
        if (storage?["osDisk"] is JsonObject os)
        {
            disks.Add(os);
        }

        if (storage?["dataDisks"] is JsonArray data)
        {
            disks.AddRange(data.OfType<JsonObject>());
        }

        var deleting = vm.ProvisioningState == "Deleting";
        foreach (var reference in disks)
        {
            if (Str(reference["managedDisk"]?["id"]) is { } diskId && _resources.TryGetValue(ArmNames.Key(diskId), out var disk) &&
                Is(Str(disk.Body["managedBy"]) ?? string.Empty, vm.Id))
            {
                disk.Body.Remove("managedBy");
                disk.Properties["diskState"] = "Unattached";
                if (deleting && Is(Str(reference["deleteOption"]) ?? string.Empty, "Delete"))
                {
                    _resources.Remove(ArmNames.Key(diskId));
                }
            }
        }

        if (vm.Properties["networkProfile"]?["networkInterfaces"] is JsonArray nics)
        {
            foreach (var nicId in nics.Select(n => Str(n?["id"])).OfType<string>())
            {
                if (_resources.TryGetValue(ArmNames.Key(nicId), out var nic) && Is(Str(nic.Properties["virtualMachine"]?["id"]) ?? string.Empty, vm.Id))
                {
                    nic.Properties.Remove("virtualMachine");
                }
            }
        }
    }

    private ArmResponse HandleVmAction(string method, string action, StoredResource vm, string baseUri, string apiVersion)
    {
        if (Is(action, "instanceView"))
        {
            return method == "GET" ? new ArmResponse(200, InstanceView(vm)) : MethodNotAllowed(method);
        }

        if (method != "POST")
        {
            return MethodNotAllowed(method);
        }

        string target = action.ToUpperInvariant() switch
        {
            "POWEROFF" => "stopped",
            "DEALLOCATE" => "deallocated",
            "START" or "RESTART" => "running",
            _ => throw new ArmErrorException(404, "InvalidRequestUri", $"The action '{action}' on virtual machines is not supported by the local ARM endpoint (powerOff, deallocate, start, restart and instanceView are)."),
        };

        if (vm.ProvisioningState == "Deleting")
        {
            throw new ArmErrorException(409, "OperationNotAllowed", $"Operation '{action}' is not allowed on VM '{vm.Name}' since the VM is marked for deletion.");
        }

        if (Is(action, "restart") && vm.PowerState != "running")
        {
            throw new ArmErrorException(409, "OperationNotAllowed", $"Operation 'restart' is not allowed on VM '{vm.Name}' since the VM is {vm.PowerState}.");
        }

        var response = new ArmResponse(202);
        var operation = AddOperationHeaders(response, vm.SubscriptionId, "Microsoft.Compute", vm.Location, apiVersion, baseUri, () => vm.PowerState = target);
        MaybeFail(operation, "POST", vm.Type, () => { });
        return response;
    }

    private static JsonObject InstanceView(StoredResource vm)
    {
        var powerDisplay = vm.PowerState switch
        {
            "running" => "VM running",
            "stopped" => "VM stopped",
            _ => "VM deallocated",
        };
        var diskNames = new List<string>();
        if (Str(vm.Properties["storageProfile"]?["osDisk"]?["name"]) is { } osName)
        {
            diskNames.Add(osName);
        }

        if (vm.Properties["storageProfile"]?["dataDisks"] is JsonArray data)
        {
            diskNames.AddRange(data.Select(d => Str(d?["name"])).OfType<string>());
        }

        return new JsonObject
        {
            ["computerName"] = vm.Name,
            ["hyperVGeneration"] = vm.HyperVGeneration,
            ["disks"] = new JsonArray([.. diskNames.Select(n => (JsonNode)new JsonObject
            {
                ["name"] = n,
                ["statuses"] = new JsonArray(new JsonObject { ["code"] = "ProvisioningState/succeeded", ["level"] = "Info", ["displayStatus"] = "Provisioning succeeded" }),
            })]),
            ["statuses"] = new JsonArray(
                new JsonObject
                {
                    ["code"] = $"ProvisioningState/{vm.ProvisioningState.ToLowerInvariant()}",
                    ["level"] = "Info",
                    ["displayStatus"] = vm.ProvisioningState == "Succeeded" ? "Provisioning succeeded" : $"Provisioning {vm.ProvisioningState.ToLowerInvariant()}",
                },
                new JsonObject { ["code"] = $"PowerState/{vm.PowerState}", ["level"] = "Info", ["displayStatus"] = powerDisplay }),
        };
    }
}
