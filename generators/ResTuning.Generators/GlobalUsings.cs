// The namespaces most files of the generator read, imported once here. The analyzers compile the generator's model,
// diagnostics and tuner units too (linked), and link this file with them.
global using System;
global using System.Collections.Generic;
global using System.Linq;
global using Microsoft.CodeAnalysis;
global using ResTuning.Generators.Abstractions;
global using ResTuning.Generators.Diagnostics;
global using ResTuning.Generators.Model;
