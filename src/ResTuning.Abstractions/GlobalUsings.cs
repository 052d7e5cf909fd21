// This project's files are also compiled into the generator and the analyzers (linked, with RESTUNING_GENERATOR
// defined), so every enum, default and valid range exists once; there they live in the namespace
// ResTuning.Generators.Abstractions, apart from the attributes the user's compilation references, and each file opens
// with the #if that picks its namespace. The generator has its own global usings: this file is not linked there.
global using System;
