using System.Collections.Concurrent;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MigrateHub.Shared.Configuration;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Shared.Discovery;

/// <summary>
/// Service Bus clients of each hosted region's namespace. Locally a region's connection string
/// (<c>MigrateHub:Regions:{region}:ServiceBusConnectionString</c>); in Azure the stamp's own namespace
/// (<c>ServiceBusConnection__fullyQualifiedNamespace</c>) with the managed identity.
/// </summary>
public sealed class UploadBus(IOptions<HubStorageOptions> options, IConfiguration configuration) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<ServiceBusClient>> _clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The client of a region's namespace.</summary>
    public ServiceBusClient Client(string region) => _clients.GetOrAdd(region, r => new Lazy<ServiceBusClient>(() => Create(r))).Value;

    /// <summary>The upload queue's sender of a region.</summary>
    public ServiceBusSender Sender(string region) => _senders.GetOrAdd(region, r => Client(r).CreateSender(ResourceNames.UploadQueue));

    /// <summary>True when the region has a Service Bus configured.</summary>
    public bool IsConfigured(string region) =>
        (options.Value.Regions.TryGetValue(region, out var account) && !string.IsNullOrEmpty(account.ServiceBusConnectionString))
        || !string.IsNullOrEmpty(FullyQualifiedNamespace);

    private string? FullyQualifiedNamespace => configuration[SettingNames.ServiceBusNamespace.Replace("__", ":", StringComparison.Ordinal)];

    private ServiceBusClient Create(string region)
    {
        var clientOptions = new ServiceBusClientOptions
        {
            RetryOptions = new ServiceBusRetryOptions { MaxRetries = 3, Delay = TimeSpan.FromMilliseconds(200), TryTimeout = TimeSpan.FromSeconds(20) },
        };
        if (options.Value.Regions.TryGetValue(region, out var account) && !string.IsNullOrEmpty(account.ServiceBusConnectionString))
        {
            return new ServiceBusClient(account.ServiceBusConnectionString, clientOptions);
        }

        var fqns = FullyQualifiedNamespace
            ?? throw new InvalidOperationException($"No Service Bus for region '{region}': set {SettingNames.ServiceBusNamespace}.");
        return new ServiceBusClient(fqns, new DefaultAzureCredential(), clientOptions);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var sender in _senders.Values)
        {
            await sender.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            await client.Value.DisposeAsync().ConfigureAwait(false);
        }
    }
}
