using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using MigrateHub.Functions.Hosting;
using MigrateHub.Functions.Http;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ApiExceptionMiddleware>();
builder.Services.AddMigrateHub(builder.Configuration);
builder.Build().Run();
