using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MigrateHub.LocalAzure;

/// <summary>
/// One Azurite process (blob, queue and table services) bound to 127.0.0.1 on free ports, with its
/// own data folder. Stands in for one storage account, so that a single region can be stopped and
/// started again without touching the others.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>The well-known development account that Azurite serves.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The well-known key of the development account (public, documented by Azurite).</summary>
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _name;
    private readonly string _dataDirectory;
    private readonly ILogger _logger;
    private readonly AzuriteSettings _settings;
    private Process? _process;
    private TaskCompletionSource? _closed;

    private AzuriteProcess(string name, string dataDirectory, int blobPort, int queuePort, int tablePort, AzuriteSettings settings, ILogger logger)
    {
        _name = name;
        _settings = settings;
        _dataDirectory = dataDirectory;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        _logger = logger;
    }

    /// <summary>The name given at start (a region name, or "directory").</summary>
    public string Name => _name;

    /// <summary>Blob service port.</summary>
    public int BlobPort { get; }

    /// <summary>Queue service port.</summary>
    public int QueuePort { get; }

    /// <summary>Table service port.</summary>
    public int TablePort { get; }

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>A storage connection string for this instance (blob, queue and table endpoints).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    /// <summary>How this process runs (in-memory persistence, Node heap).</summary>
    public AzuriteSettings Settings => _settings;

    /// <summary>Starts Azurite on three free ports and waits until all three services accept connections.</summary>
    public static Task<AzuriteProcess> StartAsync(
        string name, string dataDirectory, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        StartAsync(name, dataDirectory, AzuriteSettings.Default, logger, cancellationToken);

    /// <summary>Starts Azurite with the given settings on three free ports and waits until all three services accept connections.</summary>
    public static async Task<AzuriteProcess> StartAsync(
        string name, string dataDirectory, AzuriteSettings settings, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Free ports are probed, then used: another process may take one in between, so a start
        // that fails is tried again on new ports.
        for (var attempt = 1; ; attempt++)
        {
            var instance = new AzuriteProcess(name, dataDirectory, FreePort(), FreePort(), FreePort(), settings, logger ?? NullLogger.Instance);
            try
            {
                await instance.StartAsync(cancellationToken).ConfigureAwait(false);
                return instance;
            }
            catch (InvalidOperationException) when (attempt < 3 && !cancellationToken.IsCancellationRequested)
            {
                await instance.StopAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Starts the process again on the same ports and data folder (after <see cref="StopAsync"/>).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        Directory.CreateDirectory(_dataDirectory);
        var executable = AzuriteInstallation.FindAzuriteScript();
        // Azurite runs under a small bash guard that kills it when our end of its stdin closes, so it
        // cannot outlive this process even if this process is killed without a chance to clean up.
        var startInfo = new ProcessStartInfo("bash")
        {
            WorkingDirectory = _dataDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(OrphanGuardScript);
        startInfo.ArgumentList.Add("azurite-guard");
        var node = new List<string> { "node" };
        if (_settings.MaxOldSpaceSizeMb is int heapMb)
        {
            node.Add("--max-old-space-size=" + heapMb.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        node.Add(executable);

        if (_settings.InMemoryPersistence)
        {
            node.Add("--inMemoryPersistence"); // Azurite refuses --location with it
        }
        else
        {
            node.Add("--location");
            node.Add(_dataDirectory);
        }

        foreach (var argument in node.Concat(new[]
        {
            "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl",
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }))
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closedServices = 0;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            _logger.LogDebug("azurite[{Name}] {Line}", _name, e.Data);
            if (e.Data.Contains("successfully closed", StringComparison.Ordinal) && Interlocked.Increment(ref closedServices) == 3)
            {
                closed.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _logger.LogWarning("azurite[{Name}] {Line}", _name, e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        _closed = closed;
        ChildProcessRegistry.Track(process);

        var deadline = DateTime.UtcNow.AddSeconds(90);
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (!await CanConnectAsync(port, cancellationToken).ConfigureAwait(false))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException(
                        $"Azurite for '{_name}' exited with code {process.ExitCode} before it was ready (port {port}).");
                }

                if (DateTime.UtcNow > deadline)
                {
                    await StopAsync().ConfigureAwait(false);
                    throw new TimeoutException($"Azurite for '{_name}' did not open port {port} within 90 s.");
                }

                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }

        _logger.LogInformation(
            "Azurite '{Name}' ready: blob {Blob}, queue {Queue}, table {Table}", _name, BlobPort, QueuePort, TablePort);
    }

    // The shell starts a watchdog that kills it when our end of its stdin closes, then becomes
    // Azurite itself (exec), so the process we hold is node and the watchdog is its child.
    private const string OrphanGuardScript =
        "exec 3<&0; ( read -r _ <&3; kill -9 $$ ) >/dev/null 2>&1 & exec \"$@\"";

    /// <summary>
    /// Stops the process (its data folder stays, so a restart finds the same data; with
    /// <see cref="AzuriteSettings.InMemoryPersistence"/> the data is gone and a restart starts empty).
    /// </summary>
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                // Ask Azurite to close its services first: that saves its data to disk, as a real
                // storage account keeps its data through an outage. Azurite then lingers for
                // seconds before exiting, so it is killed once its three services say they closed.
                await CloseGracefullyAsync(process, _closed).ConfigureAwait(false);
                process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        catch (OperationCanceledException)
        {
            // killed; its output pipes did not close in time, which does not matter here
        }
        finally
        {
            ChildProcessRegistry.Untrack(process);
            process.Dispose();
        }

        // Wait until the ports are really closed, so that callers see the outage at once.
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            for (var i = 0; i < 100 && await CanConnectAsync(port, CancellationToken.None).ConfigureAwait(false); i++)
            {
                await Task.Delay(20).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private static async Task CloseGracefullyAsync(Process process, TaskCompletionSource? closed)
    {
        if (closed is null)
        {
            return;
        }

        var signal = new ProcessStartInfo("kill") { UseShellExecute = false };
        signal.ArgumentList.Add("-TERM");
        signal.ArgumentList.Add(process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using (var kill = Process.Start(signal))
        {
            if (kill is not null)
            {
                await kill.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        await Task.WhenAny(closed.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false);
    }

    /// <summary>Returns a TCP port that is free on 127.0.0.1 at the time of the call.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task<bool> CanConnectAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMilliseconds(500));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
