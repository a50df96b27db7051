namespace MigrateHub.LocalAzure.ServiceBus;
internal static class Placeholder { }
