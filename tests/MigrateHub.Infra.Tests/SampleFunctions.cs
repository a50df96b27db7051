using Microsoft.Azure.Functions.Worker;

namespace MigrateHub.Infra.Tests;

// Stand-ins for the Service Bus and Blob binding attributes (the Functions project does not
// reference those extensions yet); CodeBindingTests discovers bindings by attribute name and
// properties, so these exercise the discovery the real attributes will go through.
[AttributeUsage(AttributeTargets.Parameter)]
internal sealed class ServiceBusTriggerAttribute(string queueName) : Attribute
{
    public string QueueName { get; } = queueName;

    public string? Connection { get; set; }
}

[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.ReturnValue | AttributeTargets.Property)]
internal sealed class BlobOutputAttribute(string blobPath) : Attribute
{
    public string BlobPath { get; } = blobPath;

    public string? Connection { get; set; }
}

internal static class SampleFunctions
{
    [Function(nameof(Consume))]
    public static void Consume([ServiceBusTrigger("%MigrateHub__SampleQueue%", Connection = "ServiceBusConnection")] string message) =>
        _ = message;

    [Function(nameof(Export))]
    [return: BlobOutput("exports/{rand-guid}.json")]
    public static string Export(string input) => input;
}
