//! Where an AppImage's squashfs image starts: right after the runtime's ELF, at the end of its
//! section header table (`e_shoff + e_shentsize * e_shnum`), as the AppImage type-2 runtime
//! reckons it; and the type-2 magic (`AI\x02` at byte 8 of the ELF header). Reads a header
//! given as bytes, never a file: the caller reads the first `HEADER_LEN` bytes.

/// Enough of the file for both ELF classes' headers.
pub const HEADER_LEN: usize = 64;
/// The AppImage type-2 magic, in the ELF identification's padding.
pub const MAGIC: [u8; 3] = *b"AI\x02";
const MAGIC_AT: usize = 8;

/// Why bytes are not an ELF header this module can read.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ElfError {
    #[error("it does not start with an ELF header")]
    NotElf,
    #[error("its ELF header is cut short")]
    Truncated,
    #[error("unknown ELF class {0}")]
    Class(u8),
    #[error("unknown ELF byte order {0}")]
    ByteOrder(u8),
    #[error("its section header table ends past 2^64")]
    Overflow,
}

/// The offset of the image appended to the ELF whose header starts `header`.
pub fn image_offset(header: &[u8]) -> Result<u64, ElfError> {
    if header.len() < 6 || header[..4] != *b"\x7fELF" {
        return Err(ElfError::NotElf);
    }
    let big_endian = match header[5] {
        1 => false,
        2 => true,
        other => return Err(ElfError::ByteOrder(other)),
    };
    // (e_shoff, e_shoff width, e_shentsize) by class; e_shnum follows e_shentsize.
    let (shoff_at, shoff_len, shentsize_at) = match header[4] {
        1 => (0x20, 4, 0x2e),
        2 => (0x28, 8, 0x3a),
        other => return Err(ElfError::Class(other)),
    };
    let shoff = read_uint(header, shoff_at, shoff_len, big_endian)?;
    let shentsize = read_uint(header, shentsize_at, 2, big_endian)?;
    let shnum = read_uint(header, shentsize_at + 2, 2, big_endian)?;
    shentsize
        .checked_mul(shnum)
        .and_then(|table| shoff.checked_add(table))
        .ok_or(ElfError::Overflow)
}

/// Whether `header` carries the AppImage type-2 magic.
pub fn is_marked(header: &[u8]) -> bool {
    header.get(MAGIC_AT..MAGIC_AT + MAGIC.len()) == Some(&MAGIC[..])
}

/// Writes the type-2 magic into an ELF header (the kernel ignores these bytes).
pub fn mark(header: &mut [u8]) -> Result<(), ElfError> {
    image_offset(header)?;
    let at = header
        .get_mut(MAGIC_AT..MAGIC_AT + MAGIC.len())
        .ok_or(ElfError::Truncated)?;
    at.copy_from_slice(&MAGIC);
    Ok(())
}

fn read_uint(header: &[u8], at: usize, len: usize, big_endian: bool) -> Result<u64, ElfError> {
    let bytes = header.get(at..at + len).ok_or(ElfError::Truncated)?;
    let fold = |value: u64, byte: &u8| (value << 8) | u64::from(*byte);
    Ok(if big_endian {
        bytes.iter().fold(0, fold)
    } else {
        bytes.iter().rev().fold(0, fold)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 64-bit little-endian header with its section table at `shoff`, `shnum` entries of 64.
    fn elf64(shoff: u64, shnum: u16) -> Vec<u8> {
        let mut header = vec![0u8; HEADER_LEN];
        header[..4].copy_from_slice(b"\x7fELF");
        header[4] = 2;
        header[5] = 1;
        header[0x28..0x30].copy_from_slice(&shoff.to_le_bytes());
        header[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
        header[0x3c..0x3e].copy_from_slice(&shnum.to_le_bytes());
        header
    }

    #[test]
    fn the_image_starts_where_the_section_header_table_ends() {
        assert_eq!(image_offset(&elf64(0x1000, 30)), Ok(0x1000 + 64 * 30));
    }

    #[test]
    fn a_32_bit_big_endian_header_is_read_too() {
        let mut header = vec![0u8; 52];
        header[..4].copy_from_slice(b"\x7fELF");
        header[4] = 1;
        header[5] = 2;
        header[0x20..0x24].copy_from_slice(&0x2000u32.to_be_bytes());
        header[0x2e..0x30].copy_from_slice(&40u16.to_be_bytes());
        header[0x30..0x32].copy_from_slice(&12u16.to_be_bytes());
        assert_eq!(image_offset(&header), Ok(0x2000 + 40 * 12));
    }

    #[test]
    fn the_offset_of_a_real_binary_is_its_length() {
        // A linked executable ends with its section header table: nothing is appended to it.
        let exe = std::env::current_exe().unwrap();
        let bytes = std::fs::read(&exe).unwrap();
        assert_eq!(image_offset(&bytes[..HEADER_LEN]), Ok(bytes.len() as u64));
    }

    #[test]
    fn marking_sets_the_type_2_magic_and_keeps_the_offset() {
        let mut header = elf64(4096, 10);
        assert!(!is_marked(&header));
        mark(&mut header).unwrap();
        assert!(is_marked(&header));
        assert_eq!(&header[8..11], b"AI\x02");
        assert_eq!(image_offset(&header), Ok(4096 + 640));
    }

    #[test]
    fn what_is_not_an_elf_header_is_refused() {
        assert_eq!(image_offset(b"#!/bin/sh\n"), Err(ElfError::NotElf));
        assert_eq!(image_offset(&elf64(0, 0)[..0x30]), Err(ElfError::Truncated));
        let mut odd = elf64(0, 0);
        odd[4] = 7;
        assert_eq!(image_offset(&odd), Err(ElfError::Class(7)));
        assert!(mark(&mut b"not an elf".to_vec()).is_err());
        assert_eq!(image_offset(&elf64(u64::MAX, 2)), Err(ElfError::Overflow));
    }
}
