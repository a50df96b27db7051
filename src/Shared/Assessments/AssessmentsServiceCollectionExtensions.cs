using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Export;

namespace MigrateHub.Shared.Assessments;

/// <summary>Registers groups, assessments, their computation and reports.</summary>
public static class AssessmentsServiceCollectionExtensions
{
    /// <summary>Store, engine (catalog embedded), runner, reports, API service and the export part.</summary>
    public static IServiceCollection AddAssessments(this IServiceCollection services)
    {
        services.TryAddSingleton(_ => new AssessmentEngine());
        services.AddSingleton<AssessmentStore>();
        services.AddSingleton<BatchPerformanceReader>();
        services.AddSingleton<AssessmentRunner>();
        services.AddSingleton<AssessmentReports>();
        services.AddSingleton<AssessmentService>();
        services.AddSingleton<IProjectExportPart, AssessmentExportPart>();
        return services;
    }
}
