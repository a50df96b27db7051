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
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
