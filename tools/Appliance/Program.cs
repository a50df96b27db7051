Console.WriteLine("appliance simulator: not yet implemented");
return 1;
