using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MigrateHub.LocalAzure.Arm;
using MigrateHub.LocalAzure.ServiceBus;

namespace MigrateHub.LocalAzure;

/// <summary>What the local stand-ins should run.</summary>
public sealed class LocalAzureOptions
{
    /// <summary>Regions that get their own storage (one Azurite process each).</summary>
    public IList<string> Regions { get; } = new List<string>();

    /// <summary>
    /// Folder for Azurite data. Defaults to a fresh folder under the system temp directory, deleted
    /// when the stack is disposed.
    /// </summary>
    public string? DataRoot { get; set; }

    /// <summary>
    /// Service Bus queues each region's namespace declares (every stamp has its own namespace).
    /// Empty: no Service Bus endpoint is started.
    /// </summary>
    public IList<LocalQueueOptions> ServiceBusQueues { get; } = new List<LocalQueueOptions>();

    /// <summary>Whether to start the ARM-compatible endpoint (one for all regions, as ARM is global).</summary>
    public bool StartArm { get; set; } = true;

    /// <summary>Options of the ARM-compatible endpoint.</summary>
    public LocalArmOptions Arm { get; } = new();

    /// <summary>
    /// How each Azurite process runs. The default keeps data on disk (tests of regional outages need
    /// it to survive a stop and start); <see cref="AzuriteSettings.ForLargeRuns"/> keeps it in memory
    /// with a larger Node heap, for benches. The environment can opt in without code changes:
    /// <c>MIGRATEHUB_AZURITE_LARGE=1</c>, or <c>MIGRATEHUB_AZURITE_IN_MEMORY=1</c> and
    /// <c>MIGRATEHUB_AZURITE_MAX_OLD_SPACE_MB=N</c> (see <see cref="AzuriteSettings.FromEnvironment"/>).
    /// </summary>
    public AzuriteSettings Azurite { get; set; } = AzuriteSettings.FromEnvironment();
}

/// <summary>
/// The local stand-ins for Azure: one Azurite per region (its storage account: tables, blobs and
/// the durable task hub's queues) plus one for the global directory.
/// </summary>
public sealed class LocalAzureStack : IAsyncDisposable
{
    /// <summary>Name of the storage that holds the global directory.</summary>
    public const string DirectoryName = "directory";

    private readonly Dictionary<string, AzuriteProcess> _regions;
    private readonly string _dataRoot;
    private readonly bool _ownsDataRoot;

    private readonly Dictionary<string, LocalServiceBus> _serviceBus = new(StringComparer.OrdinalIgnoreCase);

    private LocalAzureStack(Dictionary<string, AzuriteProcess> regions, AzuriteProcess directory, string dataRoot, bool ownsDataRoot)
    {
        _regions = regions;
        Directory = directory;
        _dataRoot = dataRoot;
        _ownsDataRoot = ownsDataRoot;
    }

    /// <summary>Storage of the global directory.</summary>
    public AzuriteProcess Directory { get; }

    /// <summary>Storage per region, keyed by region name (case-insensitive).</summary>
    public IReadOnlyDictionary<string, AzuriteProcess> Regions => _regions;

    /// <summary>Each region's Service Bus-compatible endpoint (empty when no queues were asked for).</summary>
    public IReadOnlyDictionary<string, LocalServiceBus> ServiceBus => _serviceBus;

    /// <summary>The ARM-compatible endpoint, when started.</summary>
    public LocalArm? Arm { get; private set; }

    /// <summary>Starts every stand-in, in parallel, and waits until each is ready.</summary>
    public static async Task<LocalAzureStack> StartAsync(
        LocalAzureOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Regions.Count == 0)
        {
            throw new ArgumentException("At least one region is needed.", nameof(options));
        }

        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<LocalAzureStack>();
        var ownsDataRoot = options.DataRoot is null;
        var dataRoot = options.DataRoot
            ?? Path.Combine(Path.GetTempPath(), "migratehub-localazure", Guid.NewGuid().ToString("N")[..12]);

        var names = options.Regions.Select(r => r.ToLowerInvariant()).Distinct().Prepend(DirectoryName).ToList();
        if (options.Azurite.InMemoryPersistence || options.Azurite.MaxOldSpaceSizeMb is not null)
        {
            logger.LogInformation(
                "Azurite for large runs: in-memory persistence {InMemory}, Node heap {HeapMb} MB",
                options.Azurite.InMemoryPersistence, options.Azurite.MaxOldSpaceSizeMb?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default");
        }

        var starting = names.Select(name => AzuriteProcess.StartAsync(
            name, Path.Combine(dataRoot, name), options.Azurite, logger, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(starting).ConfigureAwait(false);
        }
        catch
        {
            foreach (var task in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await task.Result.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        var started = starting.Select(t => t.Result).ToList();
        var regions = started.Skip(1).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var stack = new LocalAzureStack(regions, started[0], dataRoot, ownsDataRoot);
        try
        {
            if (options.ServiceBusQueues.Count > 0)
            {
                foreach (var region in regions.Keys)
                {
                    var busOptions = new LocalServiceBusOptions();
                    foreach (var queue in options.ServiceBusQueues)
                    {
                        busOptions.Queues.Add(queue);
                    }

                    stack._serviceBus[region] = await LocalServiceBus.StartAsync(busOptions, cancellationToken).ConfigureAwait(false);
                }
            }

            if (options.StartArm)
            {
                stack.Arm = await LocalArm.StartAsync(options.Arm, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await stack.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return stack;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var bus in _serviceBus.Values)
        {
            await bus.DisposeAsync().ConfigureAwait(false);
        }

        if (Arm is not null)
        {
            await Arm.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_regions.Values.Append(Directory).Select(p => p.StopAsync())).ConfigureAwait(false);
        if (_ownsDataRoot)
        {
            try
            {
                System.IO.Directory.Delete(_dataRoot, recursive: true);
            }
            catch (IOException)
            {
                // best effort: a file may still be held for a moment
            }
        }
    }
}
