using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using MigrateHub.DevHost.Durable;
using MigrateHub.Functions.Http;

namespace MigrateHub.DevHost.Functions;

/// <summary>
/// Invokes the Function App's own trigger methods the way the Functions host binds them: the
/// HTTP request, route values by parameter name, <c>[DurableClient]</c>, FunctionContext,
/// TimerInfo and CancellationToken. Results are executed as ASP.NET Core action results.
/// </summary>
public sealed class FunctionInvoker(IServiceProvider services, RoutingDurableTaskClient durable)
{
    /// <summary>Runs an HTTP-triggered function for the current request.</summary>
    public async Task InvokeHttpAsync(FunctionEntry function, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(http);
        var routeValues = http.GetRouteData().Values;
        var bindingData = routeValues.ToDictionary(v => v.Key, v => (object?)v.Value, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in http.Request.Query)
        {
            bindingData.TryAdd(key, value.ToString());
        }

        var context = NewContext(function, bindingData, http.RequestAborted, http);
        object? result;
        try
        {
            result = await InvokeAsync(function, context, bindingData, http.Request, timer: null).ConfigureAwait(false);
        }
        catch (Exception ex) when (ApiProblems.FromException(Unwrap(ex), http.Response) is { } problem)
        {
            result = problem;
        }

        await WriteResultAsync(http, result).ConfigureAwait(false);
    }

    /// <summary>Runs a timer-triggered function now.</summary>
    public async Task InvokeTimerAsync(FunctionEntry function, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var bindingData = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        var context = NewContext(function, bindingData, cancellationToken, http: null);
        await InvokeAsync(function, context, bindingData, request: null, timer: new TimerInfo()).ConfigureAwait(false);
    }

    private DevHostFunctionContext NewContext(FunctionEntry function, Dictionary<string, object?> bindingData, CancellationToken cancellationToken, HttpContext? http)
    {
        var context = new DevHostFunctionContext(function, http?.RequestServices ?? services, bindingData, cancellationToken);
        if (http is not null)
        {
            context.Items[DurableHttpLinks.DevHostBaseUrlItem] = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/";
        }

        return context;
    }

    private async Task<object?> InvokeAsync(FunctionEntry function, DevHostFunctionContext context,
        Dictionary<string, object?> bindingData, HttpRequest? request, TimerInfo? timer)
    {
        var method = function.Method;
        var instance = method.IsStatic ? null : Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance(context.InstanceServices, method.DeclaringType!);
        try
        {
            var arguments = method.GetParameters().Select(p => Bind(p, context, bindingData, request, timer)).ToArray();
            var returned = method.Invoke(instance, arguments);
            switch (returned)
            {
                case Task task:
                    await task.ConfigureAwait(false);
                    return task.GetType().IsGenericType ? task.GetType().GetProperty("Result")!.GetValue(task) : null;
                default:
                    return returned;
            }
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
        finally
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private object? Bind(ParameterInfo parameter, DevHostFunctionContext context, Dictionary<string, object?> bindingData, HttpRequest? request, TimerInfo? timer)
    {
        var type = parameter.ParameterType;
        if (type == typeof(HttpRequest))
        {
            return request ?? throw new InvalidOperationException($"{parameter.Name}: not an HTTP invocation.");
        }

        if (type == typeof(DurableTaskClient) || parameter.GetCustomAttribute<DurableClientAttribute>() is not null)
        {
            return durable;
        }

        if (type == typeof(FunctionContext))
        {
            return context;
        }

        if (type == typeof(CancellationToken))
        {
            return context.CancellationToken;
        }

        if (type == typeof(TimerInfo))
        {
            return timer ?? new TimerInfo();
        }

        if (parameter.Name is not null && bindingData.TryGetValue(parameter.Name, out var value) && value is not null)
        {
            var target = Nullable.GetUnderlyingType(type) ?? type;
            return target.IsInstanceOfType(value) ? value : Convert.ChangeType(value.ToString(), target, CultureInfo.InvariantCulture);
        }

        if (parameter.HasDefaultValue)
        {
            return parameter.DefaultValue;
        }

        throw new InvalidOperationException(
            $"The DevHost cannot bind parameter '{parameter.Name}' ({type.Name}) of {parameter.Member.DeclaringType?.Name}.{parameter.Member.Name}.");
    }

    private static async Task WriteResultAsync(HttpContext http, object? result)
    {
        switch (result)
        {
            case IActionResult action:
                await action.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor())).ConfigureAwait(false);
                break;
            case IResult minimal:
                await minimal.ExecuteAsync(http).ConfigureAwait(false);
                break;
            case null:
                if (!http.Response.HasStarted)
                {
                    http.Response.StatusCode = StatusCodes.Status204NoContent;
                }

                break;
            default:
                await http.Response.WriteAsJsonAsync(result, result.GetType(), RequestBody.Json).ConfigureAwait(false);
                break;
        }
    }

    private static Exception Unwrap(Exception ex) =>
        ex is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : ex;
}
