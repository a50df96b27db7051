using System.Collections.Concurrent;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace MigrateHub.Shared.Storage;

/// <summary>
/// Clients for the directory and for each hosted region's storage. Every client turns a transport
/// failure (after the SDK's own short retries) into <see cref="RegionUnavailableException"/>, so a
/// region outage surfaces in one place as a 503 naming the region.
/// </summary>
public sealed class HubStorage
{
    /// <summary>Pseudo-region name used for the directory's storage.</summary>
    public const string DirectoryRegion = "directory";

    private readonly ConcurrentDictionary<string, RegionStorage> _regions = new(StringComparer.OrdinalIgnoreCase);
    private readonly HubStorageOptions _options;
    private readonly TokenCredential _credential;

    /// <summary>Creates the clients from options; the credential is used only for URI-based accounts.</summary>
    public HubStorage(IOptions<HubStorageOptions> options, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _credential = credential ?? new DefaultAzureCredential();
        Directory = CreateRegion(DirectoryRegion, _options.Directory);
    }

    /// <summary>The directory's storage.</summary>
    public RegionStorage Directory { get; }

    /// <summary>Regions this deployment hosts.</summary>
    public IReadOnlyCollection<string> HostedRegions => _options.Regions.Keys;

    /// <summary>Seconds to advertise in Retry-After during an outage.</summary>
    public int OutageRetryAfterSeconds => _options.OutageRetryAfterSeconds;

    /// <summary>True when this deployment hosts the region.</summary>
    public bool Hosts(string region) => _options.Regions.ContainsKey(region);

    /// <summary>The storage of a hosted region.</summary>
    public RegionStorage Region(string region)
    {
        return _regions.GetOrAdd(region, name => _options.Regions.TryGetValue(name, out var account)
            ? CreateRegion(name.ToLowerInvariant(), account)
            : throw new InvalidOperationException($"Region '{name}' is not hosted by this deployment."));
    }

    private RegionStorage CreateRegion(string region, StorageAccountOptions account)
    {
        var tableOptions = new TableClientOptions();
        var blobOptions = new BlobClientOptions();
        foreach (var clientOptions in new ClientOptions[] { tableOptions, blobOptions })
        {
            clientOptions.Retry.MaxRetries = 2;
            clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
            clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(2);
            clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(20);
            clientOptions.AddPolicy(new OutagePolicy(region), HttpPipelinePosition.PerCall);
        }

        if (!string.IsNullOrEmpty(account.ConnectionString))
        {
            return new RegionStorage(
                region,
                new TableServiceClient(account.ConnectionString, tableOptions),
                new BlobServiceClient(account.ConnectionString, blobOptions));
        }

        if (account.TableServiceUri is null || account.BlobServiceUri is null)
        {
            throw new InvalidOperationException(
                $"Storage for '{region}' needs a ConnectionString or both TableServiceUri and BlobServiceUri.");
        }

        return new RegionStorage(
            region,
            new TableServiceClient(account.TableServiceUri, _credential, tableOptions),
            new BlobServiceClient(account.BlobServiceUri, _credential, blobOptions));
    }

    /// <summary>Wraps the whole call (retries included) and maps "could not connect" to an outage.</summary>
    private sealed class OutagePolicy(string region) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try
            {
                ProcessNext(message, pipeline);
            }
            catch (Exception ex) when (IsTransportFailure(ex))
            {
                throw new RegionUnavailableException(region, ex);
            }
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransportFailure(ex))
            {
                throw new RegionUnavailableException(region, ex);
            }
        }

        private static bool IsTransportFailure(Exception ex) => ex switch
        {
            RequestFailedException { Status: 0 } => true,
            HttpRequestException => true,
            AggregateException aggregate => aggregate.InnerExceptions.All(IsTransportFailure),
            _ => false,
        };
    }
}

/// <summary>The storage account of one region (or of the directory).</summary>
public sealed class RegionStorage(string region, TableServiceClient tables, BlobServiceClient blobs)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Azure.Storage.Blobs.BlobContainerClient>>> _containers = new(StringComparer.Ordinal);

    /// <summary>Region name (or <c>directory</c>).</summary>
    public string Name { get; } = region;

    /// <summary>The table service.</summary>
    public TableServiceClient Tables { get; } = tables;

    /// <summary>The blob service.</summary>
    public BlobServiceClient Blobs { get; } = blobs;

    /// <summary>A table, created on first use in this process.</summary>
    public async Task<TableClient> TableAsync(string name, CancellationToken cancellationToken = default)
    {
        var lazy = _tables.GetOrAdd(name, n => new Lazy<Task<TableClient>>(async () =>
        {
            var client = Tables.GetTableClient(n);
            await client.CreateIfNotExistsAsync(CancellationToken.None).ConfigureAwait(false);
            return client;
        }));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _tables.TryRemove(new KeyValuePair<string, Lazy<Task<TableClient>>>(name, lazy));
            throw;
        }
    }

    /// <summary>A blob container, created on first use in this process.</summary>
    public async Task<Azure.Storage.Blobs.BlobContainerClient> ContainerAsync(string name, CancellationToken cancellationToken = default)
    {
        var lazy = _containers.GetOrAdd(name, n => new Lazy<Task<Azure.Storage.Blobs.BlobContainerClient>>(async () =>
        {
            var client = Blobs.GetBlobContainerClient(n);
            await client.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            return client;
        }));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _containers.TryRemove(new KeyValuePair<string, Lazy<Task<Azure.Storage.Blobs.BlobContainerClient>>>(name, lazy));
            throw;
        }
    }

    /// <summary>Forgets which tables and containers exist (after they were deleted).</summary>
    public void ForgetCreatedResources()
    {
        _tables.Clear();
        _containers.Clear();
    }
}
