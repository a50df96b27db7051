using System.Text.Json;

namespace MigrateHub.Infra.Tests;

/// <summary>Identity-based connections only: no keys in resources, settings, outputs or the template.</summary>
[Collection(InfraCollection.Name)]
public sealed class IdentityAndSecurityTests(InfraSnapshots infra)
{
    public static TheoryData<string> ParameterFiles => [.. InfraSnapshots.ParameterFiles];

    // Built-in role definition ids the stamp identity needs, and on what.
    public static TheoryData<string, string, string> StampRoles => new()
    {
        { "Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Microsoft.Storage/storageAccounts" },
        { "Storage Queue Data Contributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Microsoft.Storage/storageAccounts" },
        { "Storage Table Data Contributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Microsoft.Storage/storageAccounts" },
        { "Azure Service Bus Data Sender", "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", "Microsoft.ServiceBus/namespaces" },
        { "Azure Service Bus Data Receiver", "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0", "Microsoft.ServiceBus/namespaces" },
        { "Monitoring Metrics Publisher", "3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components" },
    };

    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";

    // App settings Flex Consumption does not accept (configured in functionAppConfig or not applicable).
    private static readonly string[] FlexConsumptionRejectedSettings =
    [
        "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_WORKER_RUNTIME_VERSION", "FUNCTIONS_EXTENSION_VERSION",
        "FUNCTIONS_MAX_HTTP_CONCURRENCY", "FUNCTIONS_WORKER_PROCESS_COUNT", "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTSHARE", "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
        "SCM_DO_BUILD_DURING_DEPLOYMENT", "ENABLE_ORYX_BUILD", "WEBSITE_NODE_DEFAULT_VERSION",
    ];

    private static readonly string[] SecretMarkers =
        ["listKeys(", "listConnectionStrings(", "listSecrets(", "AccountKey=", "SharedAccessKey", "SharedAccessSignature", "primaryKey", "secondaryKey"];

    [Fact]
    public void Compiled_template_reads_no_keys_or_connection_strings()
    {
        foreach (var marker in SecretMarkers)
        {
            Assert.DoesNotContain(marker, infra.CompiledMainTemplate, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Storage_and_Service_Bus_accept_Entra_ID_only(string parameterFile)
    {
        var snapshot = infra[parameterFile];
        var storageAccounts = snapshot.OfType("Microsoft.Storage/storageAccounts").ToList();
        Assert.Equal(snapshot.Stamps.Count + 1, storageAccounts.Count);
        foreach (var storage in storageAccounts)
        {
            var properties = storage.GetProperty("properties");
            Assert.False(properties.GetProperty("allowSharedKeyAccess").GetBoolean(), DeploymentSnapshot.NameOf(storage));
            Assert.False(properties.GetProperty("allowBlobPublicAccess").GetBoolean(), DeploymentSnapshot.NameOf(storage));
            Assert.Equal("TLS1_2", properties.GetProperty("minimumTlsVersion").GetString());
        }

        foreach (var serviceBus in snapshot.OfType("Microsoft.ServiceBus/namespaces"))
        {
            Assert.True(serviceBus.GetProperty("properties").GetProperty("disableLocalAuth").GetBoolean());
        }

        foreach (var appInsights in snapshot.OfType("Microsoft.Insights/components"))
        {
            Assert.True(appInsights.GetProperty("properties").GetProperty("DisableLocalAuth").GetBoolean());
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Function_app_connects_with_its_user_assigned_identity(string parameterFile)
    {
        foreach (var stamp in infra[parameterFile].Stamps)
        {
            var settings = stamp.AppSettings;
            var identity = DeploymentSnapshot.IdOf(stamp.Single("Microsoft.ManagedIdentity/userAssignedIdentities"));
            var clientId = $"[reference('{identity}', '2024-11-30').clientId]";

            Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
            Assert.Equal(clientId, settings["AzureWebJobsStorage__clientId"]);
            foreach (var service in new[] { "blob", "queue", "table" })
            {
                Assert.EndsWith($".primaryEndpoints.{service}]", settings[$"AzureWebJobsStorage__{service}ServiceUri"], StringComparison.Ordinal);
            }

            Assert.Equal("managedidentity", settings["ServiceBusConnection__credential"]);
            Assert.Equal(clientId, settings["ServiceBusConnection__clientId"]);
            Assert.Equal(clientId, settings["AZURE_CLIENT_ID"]);
            Assert.EndsWith("Authorization=AAD', " + clientId[1..^1] + ")]", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);

            // No key-based connection, and none of the settings Flex Consumption rejects.
            Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
            foreach (var rejectedByFlex in FlexConsumptionRejectedSettings)
            {
                Assert.DoesNotContain(rejectedByFlex, settings.Keys);
            }

            foreach (var (key, value) in settings)
            {
                Assert.False(SecretMarkers.Any(m => value.Contains(m, StringComparison.OrdinalIgnoreCase)), $"{stamp.Region}: {key} looks like a secret.");
            }

            var siteIdentity = stamp.Site.GetProperty("identity");
            Assert.Equal("UserAssigned", siteIdentity.GetProperty("type").GetString());
            Assert.Equal(identity, Assert.Single(siteIdentity.GetProperty("userAssignedIdentities").EnumerateObject()).Name);

            var deploymentAuth = stamp.Site.GetProperty("properties").GetProperty("functionAppConfig")
                .GetProperty("deployment").GetProperty("storage").GetProperty("authentication");
            Assert.Equal("UserAssignedIdentity", deploymentAuth.GetProperty("type").GetString());
            Assert.Equal(identity, deploymentAuth.GetProperty("userAssignedIdentityResourceId").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(StampRoles))]
    public void Stamp_identity_has_each_data_role_on_its_own_resource(string role, string roleId, string scopeType)
    {
        foreach (var snapshot in infra.All)
        {
            foreach (var stamp in snapshot.Stamps)
            {
                var identity = DeploymentSnapshot.IdOf(stamp.Single("Microsoft.ManagedIdentity/userAssignedIdentities"));
                var scope = DeploymentSnapshot.IdOf(stamp.Single(scopeType));
                var principalId = $"reference('{identity}', '2024-11-30').principalId";

                var matches = RoleAssignments(snapshot, roleId)
                    .Where(a => a.GetProperty("properties").GetProperty("principalId").GetString() == $"[{principalId}]"
                        && DeploymentSnapshot.NameOf(a).StartsWith($"[guid('{scope}', ", StringComparison.Ordinal))
                    .ToList();
                Assert.True(matches.Count == 1, $"{snapshot}, {stamp.Region}: expected one '{role}' assignment on the stamp's {scopeType}, found {matches.Count}.");
                var assignment = matches[0];

                // Named guid(scope, principalId, roleId), as the house style asks.
                Assert.Equal($"[guid('{scope}', {principalId}, '{roleId}')]", DeploymentSnapshot.NameOf(assignment));
                Assert.Equal("ServicePrincipal", assignment.GetProperty("properties").GetProperty("principalType").GetString());
            }
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Every_stamp_identity_can_read_and_write_the_directory(string parameterFile)
    {
        var snapshot = infra[parameterFile];
        var directory = DeploymentSnapshot.IdOf(Assert.Single(snapshot.DirectoryStorageAccounts));
        var onDirectory = RoleAssignments(snapshot, TableDataContributor)
            .Where(a => DeploymentSnapshot.NameOf(a).StartsWith($"[guid('{directory}', ", StringComparison.Ordinal))
            .Select(a => a.GetProperty("properties").GetProperty("principalId").GetString())
            .ToList();

        var identities = snapshot.Stamps
            .Select(s => $"[reference('{DeploymentSnapshot.IdOf(s.Single("Microsoft.ManagedIdentity/userAssignedIdentities"))}', '2024-11-30').principalId]")
            .ToList();
        Assert.Equal(identities.Order(), onDirectory.Order());
    }

    [Fact]
    public void Outputs_hold_no_secrets()
    {
        foreach (var snapshot in infra.All)
        {
            foreach (var output in snapshot.Outputs.EnumerateObject())
            {
                var text = output.Value.ToString();
                Assert.False(
                    SecretMarkers.Any(m => text.Contains(m, StringComparison.OrdinalIgnoreCase)) || text.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase),
                    $"{snapshot}: output {output.Name} may hold a secret: {text}");
            }
        }
    }

    private static IEnumerable<JsonElement> RoleAssignments(DeploymentSnapshot snapshot, string roleId) =>
        snapshot.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => a.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!
                .EndsWith($"/providers/Microsoft.Authorization/roleDefinitions/{roleId}", StringComparison.Ordinal));
}
