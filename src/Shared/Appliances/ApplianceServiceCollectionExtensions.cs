using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MigrateHub.Shared.Appliances;

/// <summary>Registers the appliance services.</summary>
public static class ApplianceServiceCollectionExtensions
{
    /// <summary>Appliance repository, service, authenticator and options (<c>MigrateHub:Appliances</c>).</summary>
    public static IServiceCollection AddAppliances(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApplianceOptions>()
            .Bind(configuration.GetSection(ApplianceOptions.Section))
            .Validate(o => o.UnhealthyAfter > TimeSpan.Zero, "MigrateHub:Appliances:UnhealthyAfter must be positive.")
            .ValidateOnStart();
        services.AddSingleton<ApplianceRepository>();
        services.AddSingleton<ApplianceService>();
        services.AddSingleton<ApplianceAuthenticator>();
        return services;
    }
}
