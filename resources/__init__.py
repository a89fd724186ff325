"""Data files shipped with LinkDesk (sample exports, icons); installed as `linkdesk.resources`."""
