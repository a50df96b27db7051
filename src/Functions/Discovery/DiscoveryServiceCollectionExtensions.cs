using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MigrateHub.Shared.Discovery;

namespace MigrateHub.Functions.Discovery;

/// <summary>Registers discovery's services (used by AddMigrateHub).</summary>
public static class DiscoveryServiceCollectionExtensions
{
    /// <summary>Upload intake, ingestion, consumer, reads and retention.</summary>
    public static IServiceCollection AddDiscovery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DiscoveryOptions>().Bind(configuration.GetSection(DiscoveryOptions.Section));
        services.AddSingleton<UploadBus>();
        services.AddSingleton<UploadService>();
        services.AddSingleton<IngestionService>();
        services.AddSingleton<DiscoveryReader>();
        services.AddSingleton<DiscoveryRetention>();
        services.AddSingleton<DiscoveryExportParts>();

        // Replace the export archive's placeholder parts (same names) with the discovered data.
        foreach (var name in new[] { "inventory", "software", "dependencies" })
        {
            services.AddSingleton<MigrateHub.Shared.Export.IProjectExportPart>(sp =>
                sp.GetRequiredService<DiscoveryExportParts>().All().Single(p => p.Name == name));
        }

        services.AddSingleton<MachineLifecycleStarter>();
        services.AddSingleton<UploadConsumer>();
        return services;
    }
}
