//! Just enough of the AWS CLI's INI dialect to find sections and their
//! `key = value` lines, with where they are: the block merger needs the
//! profiles outside its block (and their lines), `doctor` compares profiles.
//! Pure text in, borrowed slices out.

/// One `[...]` section and the plain `key = value` lines under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section<'t> {
    /// Between the brackets, trimmed: `profile cpco`, `default`, `sso-session x`.
    pub header: &'t str,
    /// 1-based line of the header.
    pub line: usize,
    /// Byte offset of the header line's start.
    pub offset: usize,
    /// Keys and values trimmed; nested lines (indented) are left out.
    pub entries: Vec<(&'t str, &'t str)>,
}

impl<'t> Section<'t> {
    /// The profile this section defines in a *config* file: `[profile NAME]`
    /// (any whitespace between the words) or `[default]`, as botocore reads it.
    pub fn config_profile(&self) -> Option<&'t str> {
        if self.header == "default" {
            return Some("default");
        }
        let mut words = self.header.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some("profile"), Some(name), None) => Some(name),
            _ => None,
        }
    }
}

/// Lines with their byte offset and 1-based number, line ends (`\n`, `\r\n`) cut off.
pub fn lines(text: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    text.split_inclusive('\n')
        .scan(0, |offset, raw| {
            let start = *offset;
            *offset += raw.len();
            Some((start, raw))
        })
        .enumerate()
        .map(|(i, (start, raw))| {
            let line = raw.strip_suffix('\n').unwrap_or(raw);
            (start, i + 1, line.strip_suffix('\r').unwrap_or(line))
        })
}

pub fn sections(text: &str) -> Vec<Section<'_>> {
    let mut sections: Vec<Section<'_>> = Vec::new();
    for (offset, number, line) in lines(text) {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(header) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            sections.push(Section {
                header: header.trim(),
                line: number,
                offset,
                entries: Vec::new(),
            });
            continue;
        }
        // An indented line continues a nested value (`s3 =` then `  max_concurrent_requests = 4`).
        if line.starts_with([' ', '\t']) {
            continue;
        }
        if let (Some(section), Some((key, value))) = (sections.last_mut(), trimmed.split_once('='))
        {
            section.entries.push((key.trim(), value.trim()));
        }
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_profiles_entries_and_lines() {
        let text = "# top\r\n[default]\r\nregion = us-east-1\r\n\r\n[profile  a ]\r\nrole_arn=x\r\ns3 =\r\n  max = 4\r\n[sso-session s]\r\n[b]\r\n";
        let found = sections(text);
        let names: Vec<_> = found.iter().map(|s| s.config_profile()).collect();
        assert_eq!(names, [Some("default"), Some("a"), None, None]);
        assert_eq!(found[1].line, 5);
        assert_eq!(&text[found[1].offset..found[1].offset + 5], "[prof");
        assert_eq!(found[0].entries, [("region", "us-east-1")]);
        assert_eq!(found[1].entries, [("role_arn", "x"), ("s3", "")]);
    }
}
