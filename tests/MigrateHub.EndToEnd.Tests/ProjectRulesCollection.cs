namespace MigrateHub.EndToEnd.Tests;

/// <summary>
/// The project and appliance rule tests share one DevHost and run one after another: one set of
/// Azurite processes instead of one per class, which keeps the machine (and the other suites) fast.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProjectRulesCollection : ICollectionFixture<DevHostFixture>
{
    public const string Name = "Project and appliance rules";
}
