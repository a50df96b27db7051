using Microsoft.Extensions.DependencyInjection;

namespace MigrateHub.Shared.Export;

/// <summary>Registers the project export and the parts that exist so far.</summary>
public static class ExportServiceCollectionExtensions
{
    /// <summary>
    /// The exporter and its parts: project, appliances, and placeholders (headers only) for inventory,
    /// software and dependencies. Features that hold more data add <see cref="IProjectExportPart"/>s
    /// (a part with the name of a placeholder replaces it).
    /// </summary>
    public static IServiceCollection AddProjectExport(this IServiceCollection services)
    {
        services.AddSingleton<IProjectExportPart, ProjectExportPart>();
        services.AddSingleton<IProjectExportPart, ApplianceExportPart>();
        services.AddSingleton<IProjectExportPart>(EmptyCsvExportPart.Inventory());
        services.AddSingleton<IProjectExportPart>(EmptyCsvExportPart.Software());
        services.AddSingleton<IProjectExportPart>(EmptyCsvExportPart.Dependencies());
        services.AddSingleton<ProjectExporter>();
        return services;
    }
}
