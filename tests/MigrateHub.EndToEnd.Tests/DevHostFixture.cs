using MigrateHub.DevHost;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>A DevHost (API, durable workers, one Azurite per region) shared by the tests of a class.</summary>
public class DevHostFixture : IAsyncLifetime
{
    private DevHostApp? _host;

    public DevHostApp Host => _host ?? throw new InvalidOperationException("DevHost not started.");

    protected virtual void Configure(DevHostOptions options)
    {
        foreach (var region in new[] { "northeurope", "westeurope", "uksouth", "centralus" })
        {
            options.Regions.Add(region);
        }
    }

    public async Task InitializeAsync()
    {
        var options = new DevHostOptions { TimersEnabled = false, FunctionKey = "test-key-" + Guid.NewGuid().ToString("N") };
        Configure(options);
        _host = await DevHostApp.StartAsync(options);
        Started(_host);
    }

    /// <summary>Runs once the host is up (before any test of the class).</summary>
    protected virtual void Started(DevHostApp host)
    {
    }

    /// <summary>Runs before the host stops.</summary>
    protected virtual Task StoppingAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await StoppingAsync();
            await _host.DisposeAsync();
        }
    }
}
