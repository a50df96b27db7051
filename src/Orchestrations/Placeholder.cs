namespace MigrateHub.Orchestrations;
internal static class Placeholder { }
