using System.Text.Json;
using System.Xml;
using MigrateHub.Shared.Configuration;

namespace MigrateHub.Infra.Tests;

/// <summary>Every queue and blob container the code uses exists in every stamp, set up for poison messages.</summary>
[Collection(InfraCollection.Name)]
public sealed class ResourceNamesTests(InfraSnapshots infra)
{
    public static TheoryData<string> ParameterFiles => [.. InfraSnapshots.ParameterFiles];

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Every_queue_in_ResourceNames_exists_in_every_stamp(string parameterFile)
    {
        Assert.NotEmpty(ResourceNames.Queues);
        foreach (var stamp in infra[parameterFile].Stamps)
        {
            var queues = stamp.OfType("Microsoft.ServiceBus/namespaces/queues").Select(q => ChildName(q)).ToList();
            foreach (var queue in ResourceNames.Queues)
            {
                Assert.True(queues.Contains(queue), $"{parameterFile}, {stamp.Region}: Service Bus queue '{queue}' is not created (infra/bicep/stamp.bicep, serviceBusQueueNames).");
            }

            Assert.True(
                queues.All(ResourceNames.Queues.Contains),
                $"{parameterFile}, {stamp.Region}: the template creates queues the code does not use: {string.Join(", ", queues.Except(ResourceNames.Queues))}.");
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Every_blob_container_in_ResourceNames_exists_in_every_stamp(string parameterFile)
    {
        Assert.NotEmpty(ResourceNames.BlobContainers);
        foreach (var stamp in infra[parameterFile].Stamps)
        {
            var storage = DeploymentSnapshot.NameOf(stamp.Single("Microsoft.Storage/storageAccounts"));
            var containers = stamp.OfType("Microsoft.Storage/storageAccounts/blobServices/containers")
                .Select(c => DeploymentSnapshot.NameOf(c))
                .Where(name => name.StartsWith(storage + "/default/", StringComparison.Ordinal))
                .Select(name => name[(storage.Length + "/default/".Length)..])
                .ToList();
            foreach (var container in ResourceNames.BlobContainers)
            {
                Assert.True(containers.Contains(container), $"{parameterFile}, {stamp.Region}: blob container '{container}' is not created in {storage} (infra/bicep/stamp.bicep, blobContainerNames).");
            }

            // The only other container is Flex Consumption's deployment package container.
            var deployment = Assert.Single(containers.Except(ResourceNames.BlobContainers));
            var deploymentValue = stamp.Site.GetProperty("properties").GetProperty("functionAppConfig")
                .GetProperty("deployment").GetProperty("storage").GetProperty("value").GetString()!;
            var storageId = DeploymentSnapshot.IdOf(stamp.Single("Microsoft.Storage/storageAccounts"));
            Assert.Equal($"[format('{{0}}{{1}}', reference('{storageId}', '2025-01-01').primaryEndpoints.blob, '{deployment}')]", deploymentValue);
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Queues_dead_letter_poison_and_expired_messages_and_drop_duplicates(string parameterFile)
    {
        foreach (var stamp in infra[parameterFile].Stamps)
        {
            foreach (var queue in stamp.OfType("Microsoft.ServiceBus/namespaces/queues"))
            {
                var properties = queue.GetProperty("properties");
                var maxDeliveryCount = properties.GetProperty("maxDeliveryCount").GetInt32();
                Assert.InRange(maxDeliveryCount, 1, 100);
                Assert.True(properties.GetProperty("deadLetteringOnMessageExpiration").GetBoolean());
                Assert.True(properties.GetProperty("requiresDuplicateDetection").GetBoolean());
                Assert.InRange(Duration(properties, "duplicateDetectionHistoryTimeWindow"), TimeSpan.FromSeconds(20), TimeSpan.FromDays(7));
                Assert.InRange(Duration(properties, "lockDuration"), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));
                Assert.True(Duration(properties, "defaultMessageTimeToLive") > TimeSpan.FromHours(1));
            }

            // Duplicate detection needs Standard or Premium.
            var sku = stamp.Single("Microsoft.ServiceBus/namespaces").GetProperty("sku").GetProperty("name").GetString();
            Assert.Contains(sku, new[] { "Standard", "Premium" });
        }
    }

    private static string ChildName(JsonElement resource) => DeploymentSnapshot.NameOf(resource).Split('/')[^1];

    private static TimeSpan Duration(JsonElement properties, string name) =>
        XmlConvert.ToTimeSpan(properties.GetProperty(name).GetString()!);
}
