using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MigrateHub.Orchestrations.Machines;
using MigrateHub.Shared.Migration;
using MigrateHub.Shared.Provisioning;

namespace MigrateHub.Functions.Migration;

/// <summary>Service registration of migration.</summary>
public static class MigrationServiceCollectionExtensions
{
    /// <summary>Configuration section of <see cref="LifecycleOptions"/> (optional; production durations by default).</summary>
    public const string Section = "MigrateHub:Migration";

    /// <summary>Registers the migration repository, usage, the provisioning client and the lifecycle options.</summary>
    public static IServiceCollection AddMigration(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LifecycleOptions>().Bind(configuration.GetSection(Section))
            .Validate(o => o.MinimumCycleInterval > TimeSpan.Zero && o.MaximumCycleInterval >= o.MinimumCycleInterval && o.ReportTimeout > TimeSpan.Zero && o.FreeDays > 0
                    && o.MaxConcurrentReplicationsPerAppliance > 0 && o.QueueCheckInterval > TimeSpan.Zero,
                "MigrateHub:Migration: cycle intervals, report timeout, free days, the replication limit and the queue check interval must be positive, the maximum interval at least the minimum.")
            .ValidateOnStart();
        services.AddSingleton<MigrationRepository>();
        services.AddSingleton<WorkItemChecks>();
        services.AddSingleton<ReplicationSlots>();
        services.AddSingleton<UsageService>();
        services.AddTargetProvisioning();
        return services;
    }
}
