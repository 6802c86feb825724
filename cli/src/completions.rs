//! `paysig completions SHELL`: shell completions (bash, zsh, fish) and the
//! man page, generated from the same clap definition as `--help`, so the
//! packages ship what the command really accepts.

use std::io::{self, Write};

use clap::{Args, ValueEnum};
use clap_complete::Shell;

/// What to print.
#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete for, or `man` for the man page (roff).
    #[arg(value_enum)]
    shell: Target,
}

#[derive(Clone, Copy, ValueEnum)]
enum Target {
    Bash,
    Zsh,
    Fish,
    /// The paysig(1) man page, in roff.
    Man,
}

/// Writes the completion script or man page for `command` to stdout.
pub fn main(args: &CompletionsArgs, mut command: clap::Command) -> std::process::ExitCode {
    let mut out = io::stdout().lock();
    let written = match args.shell {
        Target::Bash => generate(Shell::Bash, &mut command, &mut out),
        Target::Zsh => generate(Shell::Zsh, &mut command, &mut out),
        Target::Fish => generate(Shell::Fish, &mut command, &mut out),
        Target::Man => clap_mangen::Man::new(command).render(&mut out),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: io: cannot write to stdout: {error}");
            std::process::ExitCode::from(2)
        }
    }
}

fn generate(shell: Shell, command: &mut clap::Command, out: &mut dyn Write) -> io::Result<()> {
    let name = command.get_name().to_owned();
    clap_complete::generate(shell, command, name, out);
    Ok(())
}
