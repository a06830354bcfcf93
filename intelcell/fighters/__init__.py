"""Foreign terrorist fighters (issue 4): person records, their candidate index, screening and resolution."""
