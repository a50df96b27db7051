using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace MigrateHub.Functions.Http;

/// <summary>
/// Turns exceptions with a known meaning (a region's storage down, a cancelled request) into
/// problem details, in one place for every HTTP function.
/// </summary>
public sealed class ApiExceptionMiddleware : IFunctionsWorkerMiddleware
{
    /// <inheritdoc />
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var httpContext = context.GetHttpContext();
            var problem = httpContext is null ? null : ApiProblems.FromException(Unwrap(ex), httpContext.Response);
            if (problem is null || httpContext is null)
            {
                throw;
            }

            await problem.ExecuteResultAsync(new ActionContext(httpContext, new RouteData(), new ActionDescriptor())).ConfigureAwait(false);
        }
    }

    private static Exception Unwrap(Exception ex) =>
        ex is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0])
        : ex.InnerException is not null && ex.GetType().Name == "FunctionInvocationException" ? Unwrap(ex.InnerException)
        : ex;
}
