using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace MigrateHub.DevHost.Functions;

/// <summary>A function of the Function App as the DevHost sees it.</summary>
/// <param name="Name">Function name.</param>
/// <param name="Method">The method to invoke.</param>
/// <param name="Http">The HTTP trigger, if any.</param>
/// <param name="Timer">The timer trigger, if any.</param>
public sealed record FunctionEntry(string Name, MethodInfo Method, HttpTriggerAttribute? Http, TimerTriggerAttribute? Timer);

/// <summary>
/// Reads the Function App's functions from its assembly through the same attributes the Functions
/// SDK reads to write functions.metadata: HTTP and timer triggers run in the DevHost;
/// orchestration and activity wrappers are replaced by the classes they wrap.
/// </summary>
public static class FunctionCatalog
{
    /// <summary>Every [Function] method of the assembly.</summary>
    public static IReadOnlyList<FunctionEntry> Read(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var entries = new List<FunctionEntry>();
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var function = method.GetCustomAttribute<FunctionAttribute>();
                if (function is null)
                {
                    continue;
                }

                var parameters = method.GetParameters();
                entries.Add(new FunctionEntry(
                    function.Name,
                    method,
                    parameters.Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null),
                    parameters.Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).FirstOrDefault(a => a is not null)));
            }
        }

        return entries;
    }
}
