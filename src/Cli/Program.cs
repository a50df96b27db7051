Console.WriteLine("migratehub: not yet implemented");
return 1;
