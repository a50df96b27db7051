namespace MigrateHub.Shared.Appliances;

/// <summary>Appliance settings, bound from <c>MigrateHub:Appliances</c> (app setting <c>MigrateHub__Appliances__UnhealthyAfter</c>).</summary>
public sealed class ApplianceOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "MigrateHub:Appliances";

    /// <summary>An appliance silent for longer than this is marked unhealthy by the health timer.</summary>
    public TimeSpan UnhealthyAfter { get; set; } = TimeSpan.FromMinutes(30);
}
