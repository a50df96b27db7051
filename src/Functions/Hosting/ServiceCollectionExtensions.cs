using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MigrateHub.Functions.Discovery;
using MigrateHub.Functions.Migration;
using MigrateHub.Shared.Appliances;
using MigrateHub.Shared.Assessments;
using MigrateHub.Shared.Export;
using MigrateHub.Shared.Projects;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Functions.Hosting;

/// <summary>Service wiring shared by the Function App and the DevHost.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Registers the hub's services: storage routing, projects, clock.</summary>
    public static IServiceCollection AddMigrateHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HubStorageOptions>()
            .Bind(configuration.GetSection(HubStorageOptions.Section))
            .Validate(o => o.Regions.Count > 0, "MigrateHub:Regions must name at least one region this deployment hosts.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<HubStorage>();
        services.AddSingleton<ProjectDirectory>();
        services.AddSingleton<ProjectRepository>();
        services.AddSingleton<ProjectService>();
        services.AddAppliances(configuration);
        services.AddProjectExport();
        services.AddDiscovery(configuration);
        services.AddAssessments();
        services.AddMigration(configuration);
        return services;
    }
}
