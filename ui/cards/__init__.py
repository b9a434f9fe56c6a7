"""联系卡 area: choose card targets, preview, print or save the PDF, and record distribution."""
